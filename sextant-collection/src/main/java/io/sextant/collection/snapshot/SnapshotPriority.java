package io.sextant.collection.snapshot;

import io.sextant.segment.error.UserException;
import java.util.Locale;

/**
 * Which data wins when a snapshot is recovered (Qdrant's {@code SnapshotPriority}): {@code
 * snapshot} (the snapshot overwrites the current state), {@code replica} (other replicas' data is
 * the source of truth and the shard is synchronized from them after recovery) and {@code no_sync}
 * (restore without any synchronization). On a single node there are no other replicas, so all
 * three install the snapshot's data; they differ once replication exists.
 */
public enum SnapshotPriority {
    SNAPSHOT("snapshot"),
    REPLICA("replica"),
    NO_SYNC("no_sync");

    private final String wire;

    SnapshotPriority(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    /**
     * Parses a wire name; null or empty gives {@code dflt}.
     *
     * @throws UserException (bad request) for an unknown name, listing the valid ones
     */
    public static SnapshotPriority parse(String value, SnapshotPriority dflt) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        for (SnapshotPriority p : values()) {
            if (p.wire.equals(value.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw UserException.badRequest(
                "Wrong input: unknown snapshot priority '" + value + "', expected snapshot, replica or no_sync");
    }
}
