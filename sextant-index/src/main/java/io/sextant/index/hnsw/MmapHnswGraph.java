package io.sextant.index.hnsw;

import static io.sextant.index.hnsw.HnswGraphFile.INT_LE;

import io.sextant.index.memory.PlacedFiles;
import io.sextant.index.memory.Residency;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * An {@link HnswGraph} served from a file written by {@link HnswGraphWriter} (layout documented
 * there), memory-mapped read-only in a shared {@link Arena}. Level 0 is read in place from the
 * mapping; the ordinal lists of the upper levels (about {@code N/m} ints in all) are copied to the
 * heap at open for binary search.
 *
 * <p>{@link #open(Path)} verifies everything before the graph can be searched: the header, the
 * exact file length, the footer, the CRC32C of the whole file, and that every count and neighbour
 * ordinal is in range. Any failure is an {@link IndexCorruptedException} and nothing is served.
 * Opening therefore reads the whole file once.
 *
 * <p>Thread-safe for concurrent searches. {@link #close()} unmaps the file; it must not race with
 * searches (they would fail with {@link IllegalStateException}).
 */
public final class MmapHnswGraph implements HnswGraph, AutoCloseable {
    private static final long CRC_CHUNK = 1L << 30;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final int m;
    private final int nodeCount;
    private final int entryPoint;
    private final int maxLevel;
    private final int degree0;
    private final int degreeUpper;
    private final long level0Offset;
    private final long record0Bytes;
    private final long recordUpperBytes;
    private final int[][] upperNodes;
    private final long[] upperRecordOffsets;

    private MmapHnswGraph(Path path, Arena arena, MemorySegment data) throws IndexCorruptedException {
        this.path = path;
        this.arena = arena;
        this.data = data;
        long size = data.byteSize();
        if (size < HnswGraphFile.HEADER_BYTES + HnswGraphFile.FOOTER_BYTES) {
            throw corrupt("truncated: " + size + " bytes, smaller than header and footer ("
                    + (HnswGraphFile.HEADER_BYTES + HnswGraphFile.FOOTER_BYTES) + ")");
        }
        int magic = intAt(0);
        if (magic != HnswGraphFile.MAGIC) {
            throw corrupt("bad magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                    + Integer.toHexString(HnswGraphFile.MAGIC) + " (not an HNSW graph file)");
        }
        int version = intAt(4);
        if (version != HnswGraphFile.VERSION) {
            throw corrupt("unsupported format version " + version + ", this build reads version "
                    + HnswGraphFile.VERSION + "; rebuild the index");
        }
        int flags = intAt(8);
        if ((flags & ~HnswGraphFile.KNOWN_FLAGS) != 0) {
            throw corrupt("unknown flags 0x" + Integer.toHexString(flags) + ", known 0x"
                    + Integer.toHexString(HnswGraphFile.KNOWN_FLAGS));
        }
        this.m = intAt(12);
        this.nodeCount = intAt(16);
        this.entryPoint = intAt(20);
        this.maxLevel = intAt(24);
        this.degree0 = intAt(28);
        this.degreeUpper = intAt(32);
        if (nodeCount < 0) {
            throw corrupt("negative node count " + nodeCount);
        }
        if (maxLevel < -1 || maxLevel >= HnswGraphFile.MAX_LEVELS) {
            throw corrupt("max level " + maxLevel + " outside [-1, " + (HnswGraphFile.MAX_LEVELS - 1) + "]");
        }
        if ((entryPoint < 0) != (maxLevel < 0) || entryPoint < -1 || entryPoint >= nodeCount) {
            throw corrupt("entry point " + entryPoint + " with max level " + maxLevel + " and " + nodeCount + " nodes");
        }
        if (degree0 < 0
                || degree0 > HnswGraphFile.MAX_DEGREE
                || degreeUpper < 0
                || degreeUpper > HnswGraphFile.MAX_DEGREE) {
            throw corrupt("degrees " + degree0 + "/" + degreeUpper + " outside [0, " + HnswGraphFile.MAX_DEGREE + "]");
        }
        this.level0Offset = HnswGraphFile.level0Offset(maxLevel);
        if (size < level0Offset + HnswGraphFile.FOOTER_BYTES) {
            throw corrupt("truncated: " + size + " bytes, level table ends at " + level0Offset);
        }
        int[] levelCounts = new int[Math.max(1, maxLevel + 1)];
        for (int l = 1; l <= maxLevel; l++) {
            levelCounts[l] = intAt(HnswGraphFile.HEADER_BYTES + 4L * (l - 1));
            if (levelCounts[l] < 1 || levelCounts[l] > nodeCount) {
                throw corrupt("level " + l + " has " + levelCounts[l] + " nodes, expected 1 .. " + nodeCount);
            }
        }
        long expected = HnswGraphFile.fileLength(nodeCount, maxLevel, degree0, degreeUpper, levelCounts);
        if (size != expected) {
            throw corrupt((size < expected ? "truncated: " : "trailing bytes: ") + "file has " + size
                    + " bytes, header describes " + expected);
        }
        int footer = intAt(size - 8);
        if (footer != HnswGraphFile.FOOTER_MAGIC) {
            throw corrupt("bad footer magic 0x" + Integer.toHexString(footer));
        }
        int storedCrc = intAt(size - 4);
        int actualCrc = crc32c(data, size - 4);
        if (storedCrc != actualCrc) {
            throw corrupt("checksum mismatch: stored CRC32C 0x" + Integer.toHexString(storedCrc) + ", computed 0x"
                    + Integer.toHexString(actualCrc));
        }
        this.record0Bytes = 4L * (1 + degree0);
        this.recordUpperBytes = 4L * (1 + degreeUpper);
        this.upperNodes = new int[Math.max(1, maxLevel + 1)][];
        this.upperRecordOffsets = new long[Math.max(1, maxLevel + 1)];
        upperNodes[0] = new int[0];
        long offset = level0Offset + nodeCount * record0Bytes;
        for (int l = 1; l <= maxLevel; l++) {
            int[] ids = new int[levelCounts[l]];
            MemorySegment.copy(data, INT_LE, offset, ids, 0, ids.length);
            upperNodes[l] = ids;
            offset += 4L * ids.length;
            upperRecordOffsets[l] = offset;
            offset += ids.length * recordUpperBytes;
        }
        validateStructure();
    }

    /**
     * Maps and verifies the graph file at {@code path}.
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted or of another version
     */
    public static MmapHnswGraph open(Path path) throws IOException {
        return open(path, Residency.POPULATED);
    }

    /**
     * Reads and verifies the graph file at {@code path}, held with {@code residency} (see {@link
     * PlacedFiles}); an {@link Residency#ON_DEMAND} graph gives back the pages its verification read.
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted or of another version
     */
    public static MmapHnswGraph open(Path path, Residency residency) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = PlacedFiles.place(ch, path, 0, ch.size(), residency, arena);
            MmapHnswGraph g = new MmapHnswGraph(path, arena, data);
            if (residency == Residency.ON_DEMAND) {
                PlacedFiles.evict(data, path);
            }
            return g;
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Bytes of the graph file resident in RAM now ({@link PlacedFiles#residentBytes}). */
    public long residentBytes() {
        return PlacedFiles.residentBytes(data);
    }

    /** Whether the graph is served from a file mapping (false: a locked in-memory copy). */
    public boolean mapped() {
        return data.isMapped();
    }

    private void validateStructure() throws IndexCorruptedException {
        for (int node = 0; node < nodeCount; node++) {
            long rec = level0Offset + node * record0Bytes;
            int count = intAt(rec);
            if (count == HnswGraphFile.ABSENT) {
                continue;
            }
            checkRecord(0, node, rec, count, degree0);
        }
        if (entryPoint >= 0 && intAt(level0Offset + entryPoint * record0Bytes) == HnswGraphFile.ABSENT) {
            throw corrupt("entry point " + entryPoint + " is not in the graph");
        }
        for (int l = 1; l <= maxLevel; l++) {
            int[] ids = upperNodes[l];
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= nodeCount || (i > 0 && ids[i] <= ids[i - 1])) {
                    throw corrupt("level " + l + " ordinal list is not ascending in [0, " + nodeCount + ") at index "
                            + i + ": " + ids[i]);
                }
                long rec = upperRecordOffsets[l] + i * recordUpperBytes;
                checkRecord(l, ids[i], rec, intAt(rec), degreeUpper);
            }
        }
        if (maxLevel >= 1 && Arrays.binarySearch(upperNodes[maxLevel], entryPoint) < 0) {
            throw corrupt("entry point " + entryPoint + " is missing from level " + maxLevel);
        }
    }

    private void checkRecord(int level, int node, long rec, int count, int slots) throws IndexCorruptedException {
        if (count < 0 || count > slots) {
            throw corrupt(
                    "node " + node + " on level " + level + " has " + count + " neighbours, expected 0 .. " + slots);
        }
        for (int i = 0; i < count; i++) {
            int nb = intAt(rec + 4L * (1 + i));
            if (nb < 0 || nb >= nodeCount) {
                throw corrupt(
                        "node " + node + " on level " + level + " links to " + nb + ", outside [0, " + nodeCount + ")");
            }
        }
    }

    private static int crc32c(MemorySegment segment, long length) {
        CRC32C crc = new CRC32C();
        for (long pos = 0; pos < length; pos += CRC_CHUNK) {
            long len = Math.min(CRC_CHUNK, length - pos);
            crc.update(segment.asSlice(pos, len).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private int intAt(long offset) {
        return data.get(INT_LE, offset);
    }

    private IndexCorruptedException corrupt(String message) {
        return new IndexCorruptedException(path, message);
    }

    @Override
    public int size() {
        return nodeCount;
    }

    @Override
    public int entryPoint() {
        return entryPoint;
    }

    @Override
    public int levelOf(int node) {
        if (data.get(INT_LE, level0Offset + node * record0Bytes) == HnswGraphFile.ABSENT) {
            return -1;
        }
        for (int l = maxLevel; l >= 1; l--) {
            if (Arrays.binarySearch(upperNodes[l], node) >= 0) {
                return l;
            }
        }
        return 0;
    }

    @Override
    public int maxDegree(int level) {
        return level == 0 ? degree0 : degreeUpper;
    }

    @Override
    public int neighbors(int level, int node, int[] dest) {
        long rec;
        if (level == 0) {
            rec = level0Offset + node * record0Bytes;
        } else {
            if (level > maxLevel) {
                return 0;
            }
            int idx = Arrays.binarySearch(upperNodes[level], node);
            if (idx < 0) {
                return 0;
            }
            rec = upperRecordOffsets[level] + idx * recordUpperBytes;
        }
        int count = data.get(INT_LE, rec);
        if (count <= 0) {
            return 0;
        }
        MemorySegment.copy(data, INT_LE, rec + 4, dest, 0, count);
        return count;
    }

    /** The {@code m} recorded in the header. */
    public int m() {
        return m;
    }

    /** The mapped file size in bytes. */
    public long byteSize() {
        return data.byteSize();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) { // never advise an address range that may have been reused
            PlacedFiles.release(data, path);
        }
        arena.close();
    }
}
