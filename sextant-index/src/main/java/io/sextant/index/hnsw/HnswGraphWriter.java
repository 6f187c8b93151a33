package io.sextant.index.hnsw;

import io.sextant.index.ChecksummedFileOutput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an {@link HnswGraph} to a file that {@link MmapHnswGraph} serves by memory mapping.
 *
 * <p>The file is written to {@code <name>.tmp}, fsynced, renamed over {@code <name>} and the
 * directory fsynced, so a crash leaves either the old file or the complete new one.
 *
 * <h2>Layout, format version 1</h2>
 *
 * All integers are little-endian signed 32-bit ({@code int}), so every field is 4-byte aligned.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x4E485853 (the bytes "SXHN")
 * 4       4     format version = 1
 * 8       4     flags: feature bits appended over versions, never reordered; none in version 1,
 *               and a reader rejects bits it does not know
 * 12      4     m the graph was built with (informational)
 * 16      4     nodeCount N: ordinals are 0 .. N-1
 * 20      4     entry point ordinal, -1 when the graph is empty
 * 24      4     maxLevel L: the entry point's level, -1 when empty
 * 28      4     D0: neighbour slots per level-0 record (the largest level-0 degree)
 * 32      4     DU: neighbour slots per record on levels 1 .. L (the largest such degree)
 * 36      4     reserved, 0
 * 40      4*L   level table: count[l] for l = 1 .. L, the number of nodes on level l
 * then          level 0: N records of (1 + D0) ints, record i for ordinal i:
 *                 count (-1 = ordinal not in the graph, else 0 .. D0), count neighbour
 *                 ordinals best first, zero padding up to D0
 * then          for each level l = 1 .. L:
 *                 count[l] ints: the ordinals on level l, strictly ascending
 *                 count[l] records of (1 + DU) ints, same order, laid out like level 0
 * end - 8 4     footer magic 0x45485853 (the bytes "SXHE")
 * end - 4 4     CRC32C of every preceding byte
 * </pre>
 *
 * The total length is therefore {@code 40 + 4L + 4N(1+D0) + sum_l 4 count[l] (2+DU) + 8}; a
 * reader checks it exactly. Fixed-size records make a node's neighbours one multiplication away on
 * level 0; upper levels are small and found by binary search over their ordinal list.
 *
 * <p>Stateless and thread-safe; the graph must not change while it is written.
 */
public final class HnswGraphWriter {
    private HnswGraphWriter() {}

    /** Writes a freshly built graph durably to {@code path}, replacing any existing file. */
    public static void write(OnHeapHnswGraph graph, Path path) throws IOException {
        write(graph, graph.m(), path);
    }

    /**
     * Writes {@code graph} durably to {@code path}, replacing any existing file; {@code m} is
     * recorded in the header for information.
     */
    public static void write(HnswGraph graph, int m, Path path) throws IOException {
        int n = graph.size();
        int entry = graph.entryPoint();
        int maxLevel = entry < 0 ? -1 : graph.levelOf(entry);
        if (maxLevel >= HnswGraphFile.MAX_LEVELS) {
            throw new IllegalArgumentException(
                    "graph has " + maxLevel + " levels, the file format allows " + (HnswGraphFile.MAX_LEVELS - 1));
        }
        int[] levelCounts = new int[Math.max(1, maxLevel + 1)];
        int degree0 = 0;
        int degreeUpper = 0;
        int[] buf = new int[Math.max(graph.maxDegree(0), graph.maxDegree(1))];
        for (int node = 0; node < n; node++) {
            int level = graph.levelOf(node);
            if (level > maxLevel) {
                throw new IllegalArgumentException(
                        "node " + node + " has level " + level + " above the entry point's level " + maxLevel);
            }
            for (int l = 0; l <= level; l++) {
                int count = graph.neighbors(l, node, buf);
                if (l == 0) {
                    degree0 = Math.max(degree0, count);
                } else {
                    levelCounts[l]++;
                    degreeUpper = Math.max(degreeUpper, count);
                }
            }
        }
        try (ChecksummedFileOutput out = new ChecksummedFileOutput(path)) {
            out.putInt(HnswGraphFile.MAGIC);
            out.putInt(HnswGraphFile.VERSION);
            out.putInt(0);
            out.putInt(m);
            out.putInt(n);
            out.putInt(entry);
            out.putInt(maxLevel);
            out.putInt(degree0);
            out.putInt(degreeUpper);
            out.putInt(0);
            for (int l = 1; l <= maxLevel; l++) {
                out.putInt(levelCounts[l]);
            }
            for (int node = 0; node < n; node++) {
                if (graph.levelOf(node) < 0) {
                    out.putInt(HnswGraphFile.ABSENT);
                    out.putZeros(degree0);
                } else {
                    writeRecord(out, graph.neighbors(0, node, buf), buf, degree0);
                }
            }
            for (int l = 1; l <= maxLevel; l++) {
                for (int node = 0; node < n; node++) {
                    if (graph.levelOf(node) >= l) {
                        out.putInt(node);
                    }
                }
                for (int node = 0; node < n; node++) {
                    if (graph.levelOf(node) >= l) {
                        writeRecord(out, graph.neighbors(l, node, buf), buf, degreeUpper);
                    }
                }
            }
            out.putInt(HnswGraphFile.FOOTER_MAGIC);
            out.commit();
        }
    }

    private static void writeRecord(ChecksummedFileOutput out, int count, int[] neighbors, int slots)
            throws IOException {
        out.putInt(count);
        for (int i = 0; i < count; i++) {
            out.putInt(neighbors[i]);
        }
        out.putZeros(slots - count);
    }
}
