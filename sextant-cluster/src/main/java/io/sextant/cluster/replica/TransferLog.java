package io.sextant.cluster.replica;

import io.sextant.cluster.ShardTransfer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shard transfers as the metadata log records them, seen from {@link ReplicaRecovery}: what
 * transfer (and method) a replica's repair resumes, and how a primary records that a transfer
 * started, changed its method or finished. Production code reads this peer's {@code TransferBook}
 * and proposes the transfer entries through the metadata group ({@link ConsensusTransfers});
 * {@link #inMemory()} keeps them in this process (tests without a metadata group). Implementations
 * are thread-safe.
 */
public interface TransferLog {

    /** The transfer recorded to the replica of {@code shardId} of {@code collection} on {@code to}, or null. */
    ShardTransfer find(String collection, int shardId, long to);

    /** The transfers recorded for {@code collection}. */
    List<ShardTransfer> list(String collection);

    /**
     * Records that {@code t} starts (or, for a transfer already recorded, that it now uses {@code
     * t}'s method); returns once this peer applied it.
     *
     * @throws io.sextant.segment.error.ServiceException when it could not be committed or was refused
     */
    void start(String collection, ShardTransfer t);

    /**
     * Records that {@code t} ended with its target Active (a move's source is dropped by the same
     * entry); returns once this peer applied it.
     *
     * @throws io.sextant.segment.error.ServiceException when it could not be committed or was refused
     */
    void finish(String collection, ShardTransfer t);

    /** A log kept in this process only. */
    static TransferLog inMemory() {
        Map<String, ShardTransfer> rows = new ConcurrentHashMap<>();
        return new TransferLog() {
            private String key(String collection, int shardId, long to) {
                return collection + "/" + shardId + "/" + Long.toUnsignedString(to);
            }

            @Override
            public ShardTransfer find(String collection, int shardId, long to) {
                return rows.get(key(collection, shardId, to));
            }

            @Override
            public List<ShardTransfer> list(String collection) {
                return rows.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(collection + "/"))
                        .map(Map.Entry::getValue)
                        .toList();
            }

            @Override
            public void start(String collection, ShardTransfer t) {
                rows.put(key(collection, t.shardId(), t.to()), t);
            }

            @Override
            public void finish(String collection, ShardTransfer t) {
                rows.remove(key(collection, t.shardId(), t.to()));
            }
        };
    }
}
