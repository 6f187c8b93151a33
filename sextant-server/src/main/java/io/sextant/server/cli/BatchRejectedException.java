package io.sextant.server.cli;

import java.io.IOException;

/**
 * A batch (or a collection creation) the target refused as bad input: retrying cannot help, the
 * data or the command must change. Over REST this is a 4xx answer; over gRPC an
 * INVALID_ARGUMENT-like status; in a local storage directory a user error of the engine.
 */
final class BatchRejectedException extends IOException {
    BatchRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} means "the target rejected the input" rather than "the target failed". */
    static boolean isRejection(IOException e) {
        return e instanceof BatchRejectedException || (e instanceof RestClient.RestException r && r.status / 100 == 4);
    }
}
