package io.sextant.cluster;

import java.util.Locale;

/**
 * The state of one replica of a shard, agreed through the metadata group ({@link
 * MetadataCommand.Type#SET_REPLICA_STATE}) and kept per peer in the {@link ReplicaStateBook}. The
 * names are Qdrant's, as {@code GET /collections/{c}/cluster} shows them. A replica with no recorded
 * state is {@link #ACTIVE}. Immutable.
 */
public enum ReplicaState {
    /** Holds the whole shard and is kept up to date: serves reads and writes, can be the primary. */
    ACTIVE("Active"),
    /** Missed a write (or failed otherwise): no reads, no writes, until a transfer repairs it. */
    DEAD("Dead"),
    /** Being filled by a transfer: receives new writes, serves no reads. */
    PARTIAL("Partial"),
    /** Its collection is being created: receives writes, serves no reads. */
    INITIALIZING("Initializing"),
    /** A copy that receives writes but is never read from (e.g. for backups). */
    LISTENER("Listener"),
    /** A snapshot transfer is filling it (Qdrant 1.7–1.8): neither reads nor writes. */
    PARTIAL_SNAPSHOT("PartialSnapshot"),
    /** Being recovered from outside (a snapshot): neither reads nor writes. */
    RECOVERY("Recovery"),
    /** Receiving points while the collection is resharded up: receives writes, no reads. */
    RESHARDING("Resharding"),
    /** Giving points away while the collection is resharded down: acts as Active. */
    RESHARDING_SCALE_DOWN("ReshardingScaleDown"),
    /** Readable, and written like a Partial replica. */
    ACTIVE_READ("ActiveRead"),
    /** Set up by hand (an uploaded snapshot): neither reads nor writes. */
    MANUAL_RECOVERY("ManualRecovery");

    private final String wireName;

    ReplicaState(String wireName) {
        this.wireName = wireName;
    }

    /** Qdrant's name of the state ({@code "Active"}, {@code "Dead"} …). */
    public String wireName() {
        return wireName;
    }

    /**
     * The state named {@code name} (Qdrant's spelling; case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ReplicaState ofWire(String name) {
        if (name != null) {
            for (ReplicaState s : values()) {
                if (s.wireName.equalsIgnoreCase(name) || s.name().equals(name.toUpperCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown replica state " + name);
    }

    /** Whether reads may be served by a replica in this state. */
    public boolean readable() {
        return this == ACTIVE || this == RESHARDING_SCALE_DOWN || this == ACTIVE_READ;
    }

    /** Whether the primary sends writes to a replica in this state. */
    public boolean receivesWrites() {
        return switch (this) {
            case ACTIVE, PARTIAL, INITIALIZING, LISTENER, RESHARDING, RESHARDING_SCALE_DOWN, ACTIVE_READ -> true;
            case DEAD, PARTIAL_SNAPSHOT, RECOVERY, MANUAL_RECOVERY -> false;
        };
    }

    /** Whether a replica in this state holds the whole shard and may act as the shard's primary. */
    public boolean canBePrimary() {
        return this == ACTIVE || this == RESHARDING_SCALE_DOWN;
    }
}
