package io.sextant.cluster.shard;

import java.util.Map;

/**
 * What a replica knows it applied of one primary's tagged writes ({@link OperationTag}): every
 * write of {@code incarnation} from tick {@code first} to tick {@code last}, in order, with no
 * untagged write (a transfer batch, a clear) in between. {@link #UNKNOWN} when the replica cannot
 * say (it never got a tagged write, its last write was untagged, it saw a gap, or its clock file
 * was unreadable): the primary then transfers the whole shard instead of a delta.
 *
 * <p>A peer that <i>ordered</i> the run itself (it was the shard's primary, and its replica has
 * had no write since that it did not order) reports the run with {@code first = 1} and {@code
 * knownComplete}: for each other replica, the tick at which it last knew that replica complete.
 * That is what lets a new primary prove, after a primary change, that its own state at the end of
 * the old run equals this replica's ({@code RetainedOperations}); a replica clock's point has an
 * empty map.
 *
 * @param incarnation the primary's run, 0 for unknown
 * @param first the first tick of the unbroken run of applied writes
 * @param last the last tick applied
 * @param knownComplete peer id to the tick it was last known complete at, for a run this peer
 *     ordered; empty otherwise
 */
public record RecoveryPoint(long incarnation, long first, long last, Map<Long, Long> knownComplete) {
    /** The replica does not know which writes it has. */
    public static final RecoveryPoint UNKNOWN = new RecoveryPoint(0, 0, 0);

    public RecoveryPoint {
        if (incarnation != 0 && (first < 1 || last < first)) {
            throw new IllegalArgumentException("bad recovery point " + incarnation + " " + first + ".." + last);
        }
        knownComplete = Map.copyOf(knownComplete);
    }

    /** A replica clock's point (no completeness known). */
    public RecoveryPoint(long incarnation, long first, long last) {
        this(incarnation, first, last, Map.of());
    }

    public boolean known() {
        return incarnation != 0;
    }

    @Override
    public String toString() {
        return known()
                ? Long.toHexString(incarnation) + ":" + first + ".." + last
                        + (knownComplete.isEmpty() ? "" : " ordered, complete " + knownComplete)
                : "unknown";
    }
}
