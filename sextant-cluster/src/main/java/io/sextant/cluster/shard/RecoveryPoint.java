package io.sextant.cluster.shard;

/**
 * What a replica knows it applied of one primary's tagged writes ({@link OperationTag}): every
 * write of {@code incarnation} from tick {@code first} to tick {@code last}, in order, with no
 * untagged write (a transfer batch, a clear) in between. {@link #UNKNOWN} when the replica cannot
 * say (it never got a tagged write, its last write was untagged, it saw a gap, or its clock file
 * was unreadable): the primary then transfers the whole shard instead of a delta.
 *
 * @param incarnation the primary's run, 0 for unknown
 * @param first the first tick of the unbroken run of applied writes
 * @param last the last tick applied
 */
public record RecoveryPoint(long incarnation, long first, long last) {
    /** The replica does not know which writes it has. */
    public static final RecoveryPoint UNKNOWN = new RecoveryPoint(0, 0, 0);

    public RecoveryPoint {
        if (incarnation != 0 && (first < 1 || last < first)) {
            throw new IllegalArgumentException("bad recovery point " + incarnation + " " + first + ".." + last);
        }
    }

    public boolean known() {
        return incarnation != 0;
    }

    @Override
    public String toString() {
        return known() ? Long.toHexString(incarnation) + ":" + first + ".." + last : "unknown";
    }
}
