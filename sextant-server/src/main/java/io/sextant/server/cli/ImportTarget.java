package io.sextant.server.cli;

import java.io.IOException;

/**
 * The collection an import writes to: a server over REST ({@link RestBatchSink}) or gRPC ({@link
 * GrpcBatchSink}), or a storage directory opened in this process while its server is down ({@link
 * LocalBatchSink}). Thread-safe: batches are upserted from several threads.
 */
interface ImportTarget extends BatchSink, AutoCloseable {
    /**
     * The collection's unnamed dense vector size: -1 when the collection does not exist, 0 when it
     * has named vectors only (each upsert is then judged on its own).
     */
    int vectorSize() throws IOException, InterruptedException;

    /** Creates the collection with one unnamed dense vector of {@code size} and {@code distance}. */
    void create(int size, String distance) throws IOException, InterruptedException;

    /** Where the points go, for messages: a URL or a storage path. */
    String describe();

    @Override
    void close() throws IOException;
}
