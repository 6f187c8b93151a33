package io.sextant.segment.codec;

import io.sextant.segment.error.ServiceException;

/**
 * Bytes that are not a complete, well-formed encoding of the expected version: an unknown version
 * or tag, a truncated message, a count larger than the bytes left, trailing bytes, or values that
 * the domain type refuses. Decoders throw it instead of returning a wrong value. A service error
 * (5xx): the bytes came from a peer or a file, not from the user.
 */
public final class CorruptEncodingException extends ServiceException {
    public CorruptEncodingException(String message) {
        super(message);
    }

    public CorruptEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
