package io.sextant.cluster.shard;

import io.sextant.segment.codec.CorruptEncodingException;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.time.Duration;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;

/**
 * How failures of a shard call cross the wire. The serving peer turns a {@link UserException} into
 * a gRPC status of the matching code whose description is the exception's message, with the
 * exception's {@link UserException.Kind} in the trailer {@value #KIND_TRAILER}; the caller rebuilds
 * a {@code UserException} of the same kind and message from it, so the REST and gRPC APIs answer a
 * remote shard's user error exactly as a local one. Anything else becomes {@code INTERNAL} with a
 * description, and the caller raises a {@link ServiceException} naming the peer, the call and the
 * shard. Transport failures (peer down, deadline passed) become {@code ServiceException}s too. A
 * forward refused by the primary fence ({@link PrimaryFence.Refused}) is {@code FAILED_PRECONDITION}
 * with the trailer {@value PrimaryFence#REFUSED_TRAILER} and is raised again as that exception; a
 * peer that is not the shard's primary ({@link NotThePrimary}) is {@code ABORTED}, raised again as
 * that exception. Stateless and thread-safe.
 */
public final class ShardCallErrors {
    /** Trailer carrying the user error's kind (its enum name). */
    static final String KIND_TRAILER = "sextant-user-error-kind";

    private static final Metadata.Key<String> KIND = Metadata.Key.of(KIND_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    private static final Metadata.Key<String> FENCED_BY =
            Metadata.Key.of(PrimaryFence.REFUSED_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    private ShardCallErrors() {}

    /** The status a serving peer answers for {@code e}. */
    static StatusRuntimeException toStatus(RuntimeException e) {
        if (e instanceof PrimaryFence.Refused r) {
            Metadata trailers = new Metadata();
            trailers.put(FENCED_BY, r.current().encode());
            return Status.FAILED_PRECONDITION.withDescription(r.getMessage()).asRuntimeException(trailers);
        }
        if (e instanceof NotThePrimary) {
            return Status.ABORTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof UserException u) {
            Metadata trailers = new Metadata();
            trailers.put(KIND, u.kind().name());
            return code(u.kind()).withDescription(u.getMessage()).asRuntimeException(trailers);
        }
        String what = e instanceof ServiceException && !(e instanceof CorruptEncodingException)
                ? e.getMessage()
                : e.toString();
        return Status.INTERNAL.withDescription(what).asRuntimeException();
    }

    private static Status code(UserException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, UNPROCESSABLE -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ALREADY_EXISTS;
            case TOO_LARGE, TOO_MANY_REQUESTS -> Status.RESOURCE_EXHAUSTED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case UNAUTHORIZED -> Status.UNAUTHENTICATED;
        };
    }

    /**
     * The exception a caller raises for a failed call.
     *
     * @param target names the call for messages, e.g. {@code Search on shard 0 of collection c}
     */
    static RuntimeException fromStatus(StatusRuntimeException e, String peer, String target, Duration deadline) {
        Status status = e.getStatus();
        Metadata trailers = e.getTrailers();
        String kind = trailers == null ? null : trailers.get(KIND);
        String fencedBy = trailers == null ? null : trailers.get(FENCED_BY);
        if (fencedBy != null && status.getCode() == Status.Code.FAILED_PRECONDITION) {
            try {
                return new PrimaryFence.Refused(
                        "Peer " + peer + " refused " + target + ": " + status.getDescription(),
                        PrimaryFence.decode(fencedBy));
            } catch (IllegalArgumentException unreadable) {
                // fall through to a service error that shows it
            }
        }
        if (kind != null) {
            try {
                return new UserException(UserException.Kind.valueOf(kind), status.getDescription());
            } catch (IllegalArgumentException unknownKind) {
                // a newer peer's kind: fall through to a service error that shows it
            }
        }
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        if (status.getCode() == Status.Code.ABORTED) {
            return new NotThePrimary("Peer " + peer + " refused " + target + description);
        }
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED ->
                new ServiceException(
                        "Peer " + peer + " did not answer " + target + " within " + deadline.toMillis() + " ms", e);
            case UNAVAILABLE -> new ServiceException("Peer " + peer + " is unreachable for " + target + description, e);
            case UNIMPLEMENTED ->
                new ServiceException(
                        "Peer " + peer + " does not serve " + target + " (an older version?)" + description, e);
            default ->
                new ServiceException(
                        "Peer " + peer + " failed " + target + " (" + status.getCode() + ")" + description, e);
        };
    }

    /**
     * Whether {@code e} (raised by a {@link RemoteShard}) means the peer could not be reached at all
     * (gRPC {@code UNAVAILABLE}: down, refusing connections), so the call did not run there and may
     * go to another replica. A missed deadline is not: the call may have run.
     */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                return s.getStatus().getCode() == Status.Code.UNAVAILABLE;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} (raised by a {@link RemoteShard}) is a missed deadline (gRPC {@code
     * DEADLINE_EXCEEDED}): the peer took the call but did not answer in time (frozen, overloaded).
     */
    public static boolean isDeadline(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                return s.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
            }
        }
        return false;
    }
}
