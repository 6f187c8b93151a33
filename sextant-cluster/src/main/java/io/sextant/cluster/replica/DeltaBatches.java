package io.sextant.cluster.replica;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the writes a {@code wal_delta} transfer sends into batches, one internal call and one
 * fsync on the replica each: at most {@link #WRITES} writes and about {@link #BYTES} of estimated
 * size ({@link OperationSize}) per batch, a single larger write alone. Order is kept: batch {@code
 * k+1} starts at the write after the last of batch {@code k}. Stateless.
 */
final class DeltaBatches {
    /** The default most writes per batch. */
    static final int WRITES = 512;
    /** About the most estimated bytes per batch (well under the internal call's message cap). */
    static final long BYTES = 4L << 20;

    private DeltaBatches() {}

    static List<List<RetainedOperations.Entry>> split(List<RetainedOperations.Entry> entries, int maxWrites) {
        List<List<RetainedOperations.Entry>> out = new ArrayList<>();
        List<RetainedOperations.Entry> current = new ArrayList<>();
        long bytes = 0;
        for (RetainedOperations.Entry e : entries) {
            if (!current.isEmpty() && (current.size() >= maxWrites || bytes + e.bytes() > BYTES)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e);
            bytes += e.bytes();
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
