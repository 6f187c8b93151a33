package io.sextant.segment.testing;

import java.io.IOException;

/**
 * Thrown by every operation of a {@link PowerCutFileSystem} (and of its channels) from the simulated
 * power cut on: the cut itself and everything after it. An {@link IOException}, so storage code
 * treats it like a dying disk; whatever it does next cannot change the surviving image.
 */
public final class PowerCutException extends IOException {
    public PowerCutException(String message) {
        super(message);
    }
}
