package dev.runnel.persistence.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One header of a record: a non-null key, stored as UTF-8, and a value that may be null. Equality
 * compares the value bytes, not the array identity. The value array is not copied: whoever builds a
 * header hands the array over and must not modify it afterwards.
 *
 * @param key the header key; must be well-formed UTF-16 (no unpaired surrogates) so that it
 *     survives the UTF-8 round trip unchanged
 * @param value the header value, or null
 */
public record Header(String key, byte[] value) {

  public Header {
    Objects.requireNonNull(key, "key");
    Utf8.encodedLength(key); // refuses unpaired surrogates, which UTF-8 cannot carry
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Header that && key.equals(that.key) && Arrays.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Header[key=" + key + ", value=" + Record.describe(value) + "]";
  }
}
