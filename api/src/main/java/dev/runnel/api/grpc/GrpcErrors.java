package dev.runnel.api.grpc;

import akka.actor.ActorSystem;
import akka.grpc.GrpcServiceException;
import akka.grpc.Trailers;
import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.MetadataBuilder;
import akka.japi.Function;
import akka.util.ByteString;
import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.internal.Completions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * How Runnel's named errors travel over gRPC: each {@link ErrorCode} has one gRPC status code, and
 * the error's name rides along in the trailers, as text under {@link #ERROR_CODE_KEY} and as a
 * {@code google.rpc.ErrorInfo} (reason = the name, domain = {@link #DOMAIN}) in the standard {@code
 * grpc-status-details-bin} trailer, so that any stock gRPC client can tell the errors apart.
 *
 * <p>docs/grpc.md shows the table; {@link #statusCode} is its source.
 */
public final class GrpcErrors {

  /** The trailer that carries the error code's name. */
  public static final String ERROR_CODE_KEY = "runnel-error-code";

  /** The {@code ErrorInfo.domain} of Runnel's errors. */
  public static final String DOMAIN = "runnel.dev";

  private static final String STATUS_DETAILS_KEY = "grpc-status-details-bin";

  private GrpcErrors() {}

  /** The gRPC status code a Runnel error is sent with. */
  public static Status.Code statusCode(ErrorCode code) {
    return switch (code) {
      case UNKNOWN_TOPIC_OR_PARTITION -> Status.Code.NOT_FOUND;
      case TOPIC_ALREADY_EXISTS, DUPLICATE_SEQUENCE_NUMBER -> Status.Code.ALREADY_EXISTS;
      case INVALID_TOPIC_EXCEPTION,
              INVALID_PARTITIONS,
              INVALID_CONFIG,
              INVALID_REQUEST,
              RECORD_TOO_LARGE,
              CORRUPT_MESSAGE,
              INVALID_RECORD ->
          Status.Code.INVALID_ARGUMENT;
      case TOPIC_DELETION_IN_PROGRESS, OUT_OF_ORDER_SEQUENCE_NUMBER, PRODUCER_FENCED ->
          Status.Code.FAILED_PRECONDITION;
      case OFFSET_OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
      case BUFFER_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case REQUEST_TIMED_OUT -> Status.Code.DEADLINE_EXCEEDED;
      case KAFKA_STORAGE_ERROR, NOT_AVAILABLE -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }

  /** The failure as a gRPC exception with its status code, description and error-code trailers. */
  public static GrpcServiceException toGrpc(RunnelException error) {
    Status status = Status.fromCode(statusCode(error.code())).withDescription(error.getMessage());
    ErrorInfo info =
        ErrorInfo.newBuilder().setReason(error.code().name()).setDomain(DOMAIN).build();
    com.google.rpc.Status details =
        com.google.rpc.Status.newBuilder()
            .setCode(status.getCode().value())
            .setMessage(error.getMessage())
            .addDetails(Any.pack(info))
            .build();
    Metadata metadata =
        new MetadataBuilder()
            .addText(ERROR_CODE_KEY, error.code().name())
            .addBinary(STATUS_DETAILS_KEY, ByteString.fromArrayUnsafe(details.toByteArray()))
            .build();
    return new GrpcServiceException(status, metadata);
  }

  /** A call the server does not serve (yet), with why. */
  public static GrpcServiceException unimplemented(String message) {
    return new GrpcServiceException(Status.UNIMPLEMENTED.withDescription(message));
  }

  /**
   * The server's exception handler: a {@link RunnelException} goes out as {@link #toGrpc} makes it;
   * a {@link GrpcServiceException} as it is; anything else as {@code INTERNAL}, named.
   */
  public static Function<ActorSystem, Function<Throwable, Trailers>> exceptionHandler() {
    return system ->
        failure -> {
          Throwable cause = Completions.unwrap(failure);
          GrpcServiceException grpc;
          if (cause instanceof GrpcServiceException known) {
            grpc = known;
          } else if (cause instanceof RunnelException runnel) {
            grpc = toGrpc(runnel);
          } else {
            system.log().error(cause, "gRPC call failed unexpectedly");
            grpc =
                new GrpcServiceException(
                    Status.INTERNAL.withDescription(
                        "Internal error: type="
                            + cause.getClass().getName()
                            + ", reason="
                            + cause.getMessage()));
          }
          return new Trailers(grpc.getStatus(), grpc.getMetadata());
        };
  }

  /**
   * The Runnel error a client got, from the trailers of a failed call; empty when the failure did
   * not come from Runnel (the server is unreachable, the call was cancelled, ...).
   */
  public static Optional<RunnelException> fromGrpc(Throwable failure) {
    Throwable cause = Completions.unwrap(failure);
    if (!(cause instanceof StatusRuntimeException grpc) || grpc.getTrailers() == null) {
      return Optional.empty();
    }
    String name =
        grpc.getTrailers()
            .get(io.grpc.Metadata.Key.of(ERROR_CODE_KEY, io.grpc.Metadata.ASCII_STRING_MARSHALLER));
    if (name == null) {
      return Optional.empty();
    }
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String description = grpc.getStatus().getDescription();
    String prefix = code + ": ";
    String detail =
        description != null && description.startsWith(prefix)
            ? description.substring(prefix.length())
            : String.valueOf(description);
    return Optional.of(new RunnelException(code, detail, grpc));
  }
}
