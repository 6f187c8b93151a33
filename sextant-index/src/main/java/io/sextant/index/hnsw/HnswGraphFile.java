package io.sextant.index.hnsw;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Constants and size arithmetic of the HNSW graph file, shared by {@link HnswGraphWriter} (which
 * documents the layout byte by byte) and {@link MmapHnswGraph}. Stateless.
 */
final class HnswGraphFile {
    /** "SXHN" as little-endian bytes. */
    static final int MAGIC = 0x4E48_5853;
    /** "SXHE" as little-endian bytes: the footer's magic. */
    static final int FOOTER_MAGIC = 0x4548_5853;

    static final int VERSION = 1;
    /** Flag bits this build understands; version 1 defines none. */
    static final int KNOWN_FLAGS = 0;

    static final int HEADER_BYTES = 40;
    static final int FOOTER_BYTES = 8;
    /** Sanity bounds checked before any arithmetic on header values. */
    static final int MAX_LEVELS = 64;

    static final int MAX_DEGREE = 1 << 16;

    /** Level-0 count of an ordinal that is not in the graph. */
    static final int ABSENT = -1;

    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private HnswGraphFile() {}

    /** Byte offset of the level-0 records. */
    static long level0Offset(int maxLevel) {
        return HEADER_BYTES + 4L * Math.max(0, maxLevel);
    }

    /** Byte length of the whole file for the given header values and per-level node counts. */
    static long fileLength(int nodeCount, int maxLevel, int degree0, int degreeUpper, int[] levelCounts) {
        long len = level0Offset(maxLevel) + 4L * nodeCount * (1L + degree0);
        for (int l = 1; l <= maxLevel; l++) {
            len += 4L * levelCounts[l] * (2L + degreeUpper);
        }
        return len + FOOTER_BYTES;
    }
}
