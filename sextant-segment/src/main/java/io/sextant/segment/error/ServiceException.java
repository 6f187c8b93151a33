package io.sextant.segment.error;

/**
 * A failure of the service itself (I/O error, disk full, corrupt file): maps to a 5xx status.
 * The message must say what failed and where, without leaking payloads or vectors.
 */
public class ServiceException extends RuntimeException {
    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }

    public ServiceException(String message) {
        super(message);
    }
}
