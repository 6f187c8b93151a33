package io.sextant.server.cli;

import java.io.IOException;
import java.util.List;

/** Where batches of imported points go. Implementations must be thread-safe (parallel uploads). */
interface BatchSink {
    /** Writes one batch and returns once it is acknowledged (durable). */
    void upsert(long batchNo, List<ImportPoint> points) throws IOException, InterruptedException;
}
