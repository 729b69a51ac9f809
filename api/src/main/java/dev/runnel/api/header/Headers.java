package dev.runnel.api.header;

import dev.runnel.persistence.record.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The headers of a record: an ordered list of {@link Header}s in which a key may repeat, with the
 * accessors of Kafka's {@code Headers}. Unlike Kafka's, it is immutable: {@link #add} and {@link
 * #remove} return a new instance, so a record's headers cannot change after it was sent or
 * received.
 *
 * <p>Header values are not copied (see {@link Header}); whoever adds a value must not modify it
 * afterwards. Thread-safe given that.
 */
public final class Headers implements Iterable<Header> {

  private static final Headers EMPTY = new Headers(List.of());

  private final List<Header> headers;

  private Headers(List<Header> headers) {
    this.headers = headers;
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** The given headers, in order. */
  public static Headers of(Header... headers) {
    return of(Arrays.asList(headers));
  }

  /** The given headers, in order. */
  public static Headers of(Iterable<Header> headers) {
    if (headers instanceof Headers existing) {
      return existing;
    }
    List<Header> copy;
    if (headers instanceof List<Header> list) {
      copy = List.copyOf(list); // no copy for the immutable lists that decoded records carry
    } else {
      copy = new ArrayList<>();
      headers.forEach(copy::add);
      copy = List.copyOf(copy);
    }
    return copy.isEmpty() ? EMPTY : new Headers(copy);
  }

  /** These headers and one more at the end. */
  public Headers add(String key, byte[] value) {
    return add(new Header(key, value));
  }

  /** These headers and one more at the end. */
  public Headers add(Header header) {
    Objects.requireNonNull(header, "header");
    List<Header> copy = new ArrayList<>(headers.size() + 1);
    copy.addAll(headers);
    copy.add(header);
    return new Headers(List.copyOf(copy));
  }

  /** These headers without any whose key is {@code key}. */
  public Headers remove(String key) {
    Objects.requireNonNull(key, "key");
    List<Header> kept = new ArrayList<>(headers.size());
    for (Header header : headers) {
      if (!header.key().equals(key)) {
        kept.add(header);
      }
    }
    return kept.size() == headers.size() ? this : of(kept);
  }

  /** The last header with this key, or null if there is none (as in Kafka). */
  public Header lastHeader(String key) {
    for (int i = headers.size() - 1; i >= 0; i--) {
      if (headers.get(i).key().equals(key)) {
        return headers.get(i);
      }
    }
    return null;
  }

  /** Every header with this key, in order. */
  public List<Header> headers(String key) {
    List<Header> found = new ArrayList<>();
    for (Header header : headers) {
      if (header.key().equals(key)) {
        found.add(header);
      }
    }
    return List.copyOf(found);
  }

  /** The headers as an array, in order. */
  public Header[] toArray() {
    return headers.toArray(new Header[0]);
  }

  /** The headers as an unmodifiable list, in order. */
  public List<Header> asList() {
    return headers;
  }

  /** How many headers there are. */
  public int size() {
    return headers.size();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return headers.isEmpty();
  }

  @Override
  public Iterator<Header> iterator() {
    return headers.iterator();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Headers that && headers.equals(that.headers);
  }

  @Override
  public int hashCode() {
    return headers.hashCode();
  }

  @Override
  public String toString() {
    return "Headers" + headers;
  }
}
