package io.sextant.shard;

/**
 * Outcome of an update: the WAL sequence number it got, and whether it was already applied
 * ({@code completed}) or only durably acknowledged in the WAL ({@code acknowledged}); {@code
 * timedOut} when the caller waited and the change was applied and durable but not yet visible
 * when the wait ran out (Qdrant's {@code wait_timeout}: {@code prevent_unoptimized} deferred
 * points still waiting for the optimizer).
 */
public record UpdateResult(long operationId, boolean completed, boolean timedOut) {
    /** A result that did not time out. */
    public UpdateResult(long operationId, boolean completed) {
        this(operationId, completed, false);
    }
}
