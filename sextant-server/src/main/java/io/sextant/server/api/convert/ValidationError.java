package io.sextant.server.api.convert;

import io.sextant.segment.error.UserException;

/**
 * A request body that parses but fails Qdrant's validation rules (a value out of its documented
 * range, an empty list where one item is required): REST answers 422 Unprocessable Entity, as
 * Qdrant's body validation does; gRPC answers INVALID_ARGUMENT like any bad request.
 */
public final class ValidationError extends UserException {
    public ValidationError(String path, String what) {
        super(Kind.UNPROCESSABLE, "Validation error in JSON body: [" + path + ": " + what + "]");
    }
}
