package io.sextant.segment.error;

/**
 * An error caused by the caller's request: it maps to a 4xx status in the API layer and never
 * changes stored data. {@link Kind} classifies it so that REST and gRPC map it the same way.
 */
public class UserException extends RuntimeException {

    /** What kind of user error this is; the API layer maps each to a status code. */
    public enum Kind {
        /** Malformed or invalid input: 400 / INVALID_ARGUMENT. */
        BAD_REQUEST,
        /** Well-formed input that fails validation (Qdrant's validator errors): 422 / INVALID_ARGUMENT. */
        UNPROCESSABLE,
        /** A named thing does not exist: 404 / NOT_FOUND. */
        NOT_FOUND,
        /** The thing already exists or the state conflicts: 409 / ALREADY_EXISTS. */
        CONFLICT,
        /** The request is too large: 413 / RESOURCE_EXHAUSTED. */
        TOO_LARGE,
        /** The caller may not do this: 403 / PERMISSION_DENIED. */
        FORBIDDEN,
        /** The caller is not authenticated: 401 / UNAUTHENTICATED. */
        UNAUTHORIZED,
        /** A rate limit refused the request: 429 / RESOURCE_EXHAUSTED. */
        TOO_MANY_REQUESTS
    }

    private final Kind kind;

    public UserException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static UserException badRequest(String message) {
        return new UserException(Kind.BAD_REQUEST, message);
    }

    public static UserException unprocessable(String message) {
        return new UserException(Kind.UNPROCESSABLE, message);
    }

    public static UserException notFound(String message) {
        return new UserException(Kind.NOT_FOUND, message);
    }

    public static UserException conflict(String message) {
        return new UserException(Kind.CONFLICT, message);
    }
}
