package io.sextant.collection;

/**
 * Outcome of a point operation on a collection, as Qdrant's {@code UpdateResult}.
 *
 * @param operationId the operation's sequence number (the highest of the shards it touched)
 * @param status COMPLETED when applied and visible, ACKNOWLEDGED when only durable in the WAL
 */
public record CollectionUpdateResult(long operationId, Status status) {
    public enum Status {
        ACKNOWLEDGED("acknowledged"),
        COMPLETED("completed");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
