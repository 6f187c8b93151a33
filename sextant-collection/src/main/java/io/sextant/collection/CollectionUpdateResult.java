package io.sextant.collection;

/**
 * Outcome of a point operation on a collection, as Qdrant's {@code UpdateResult}.
 *
 * @param operationId the operation's sequence number (the highest of the shards it touched)
 * @param status COMPLETED when applied and visible, ACKNOWLEDGED when only durable in the WAL,
 *     WAIT_TIMEOUT when the caller waited and the change was applied and durable but not yet
 *     visible when the wait ran out
 */
public record CollectionUpdateResult(long operationId, Status status) {
    public enum Status {
        ACKNOWLEDGED("acknowledged"),
        COMPLETED("completed"),
        WAIT_TIMEOUT("wait_timeout");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
