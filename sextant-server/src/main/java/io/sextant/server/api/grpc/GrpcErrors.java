package io.sextant.server.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps exceptions escaping a gRPC handler to status codes the way Qdrant does, and the way {@code
 * api.rest.ErrorMapper} maps them to HTTP: {@link UserException} by kind (BAD_REQUEST → {@code
 * INVALID_ARGUMENT}, NOT_FOUND → {@code NOT_FOUND}, CONFLICT → {@code ALREADY_EXISTS}, TOO_LARGE →
 * {@code RESOURCE_EXHAUSTED}, FORBIDDEN → {@code PERMISSION_DENIED}, UNAUTHORIZED → {@code
 * UNAUTHENTICATED}), {@link IllegalArgumentException} as {@code INVALID_ARGUMENT}, anything else
 * as {@code INTERNAL} (logged with its stack trace). Stateless and thread-safe.
 */
public final class GrpcErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    public static Status.Code code(UserException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, UNPROCESSABLE -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case CONFLICT -> Status.Code.ALREADY_EXISTS;
            case TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
            case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
            case UNAUTHORIZED -> Status.Code.UNAUTHENTICATED;
            case TOO_MANY_REQUESTS -> Status.Code.RESOURCE_EXHAUSTED;
        };
    }

    /** The status for {@code e}; {@code method} names the call in the log of unexpected errors. */
    public static StatusRuntimeException toStatus(Throwable e, String method) {
        return switch (e) {
            case StatusRuntimeException s -> s;
            case UserException u ->
                Status.fromCode(code(u.kind())).withDescription(u.getMessage()).asRuntimeException();
            case IllegalArgumentException iae ->
                Status.INVALID_ARGUMENT
                        .withDescription("Wrong input: " + iae.getMessage())
                        .asRuntimeException();
            case ServiceException s -> {
                LOG.error("Service error on gRPC {}", method, s);
                yield Status.INTERNAL
                        .withDescription("Service internal error: " + s.getMessage())
                        .asRuntimeException();
            }
            default -> {
                LOG.error("Unexpected error on gRPC {}", method, e);
                yield Status.INTERNAL
                        .withDescription("Service internal error: " + e)
                        .asRuntimeException();
            }
        };
    }
}
