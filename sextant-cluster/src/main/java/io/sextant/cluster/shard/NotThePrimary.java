package io.sextant.cluster.shard;

import io.sextant.segment.error.ServiceException;

/**
 * A peer asked to order a write as a shard's primary refused: its metadata log names another
 * replica the primary. Nothing was applied, so the caller may send the write to the primary its own
 * log names once that log has moved on (a router whose log lags the primary's, right after a
 * repair made the shard's first replica Active again). Crosses the wire as gRPC {@code ABORTED}
 * ({@link ShardCallErrors}).
 */
public final class NotThePrimary extends ServiceException {
    public NotThePrimary(String message) {
        super(message);
    }
}
