package io.sextant.index.sparse;

import static io.sextant.index.sparse.PostingBlockCodec.FLOAT;
import static io.sextant.index.sparse.PostingBlockCodec.INT;
import static io.sextant.index.sparse.PostingBlockCodec.LONG;

import io.sextant.index.hnsw.IndexCorruptedException;
import io.sextant.index.memory.PlacedFiles;
import io.sextant.index.memory.Residency;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntPredicate;
import java.util.zip.CRC32C;

/**
 * A {@link SparseIndexReader} served from a file written by {@link SparseIndexWriter} (layout
 * documented there), either read into off-heap memory ({@code onDisk = false}: resident, no page
 * faults) or memory-mapped read-only ({@code onDisk = true}: paged by the OS), in a shared {@link
 * Arena}. Nothing of the index lives on the Java heap.
 *
 * <p>{@link #open} verifies everything before the index can be searched: header, exact length,
 * footer, the CRC32C of the whole file, and then the structure, decoding every block: ids
 * ascending, counts and offsets consistent, ordinals strictly ascending and below the ordinal
 * limit, weights finite, block and list maxima equal to the decoded weights' maxima. Any failure is
 * an {@link IndexCorruptedException} and nothing is served, so a search never reads out of bounds or
 * prunes with a wrong bound. Opening therefore reads the whole file once.
 *
 * <p>Thread-safe for concurrent searches. {@link #close()} frees the memory or unmaps the file; it
 * must not race with searches (they would fail with {@link IllegalStateException}).
 */
public final class MmapSparseIndex implements SparseIndexReader {
    private static final long CHUNK = 1L << 30;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final boolean onDisk;
    private final SparseValueType valueType;
    private final int ordinalLimit;
    private final int dims;
    private final long postings;
    private final long blocks;
    private final long listTable;
    private final long blockTable;
    private final long dataSection;

    private MmapSparseIndex(Path path, Arena arena, MemorySegment data, boolean onDisk) throws IndexCorruptedException {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.onDisk = onDisk;
        long size = data.byteSize();
        int minimum = SparseIndexFile.HEADER_BYTES + SparseIndexFile.FOOTER_BYTES;
        if (size < minimum) {
            throw corrupt("truncated: " + size + " bytes, smaller than header and footer (" + minimum + ")");
        }
        int magic = intAt(0);
        if (magic != SparseIndexFile.MAGIC) {
            throw corrupt("bad magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                    + Integer.toHexString(SparseIndexFile.MAGIC) + " (not a sparse index file)");
        }
        int version = intAt(4);
        if (version != SparseIndexFile.VERSION) {
            throw corrupt("unsupported format version " + version + ", this build reads version "
                    + SparseIndexFile.VERSION + "; rebuild the index");
        }
        int flags = intAt(8);
        if ((flags & ~SparseIndexFile.KNOWN_FLAGS) != 0) {
            throw corrupt("unknown flags 0x" + Integer.toHexString(flags) + ", known 0x"
                    + Integer.toHexString(SparseIndexFile.KNOWN_FLAGS));
        }
        this.valueType = SparseValueType.ofCode(intAt(12));
        if (valueType == null) {
            throw corrupt("unknown value type code " + intAt(12));
        }
        if (intAt(16) != PostingBlocks.BLOCK_SIZE) {
            throw corrupt("block size " + intAt(16) + ", this build reads " + PostingBlocks.BLOCK_SIZE);
        }
        this.ordinalLimit = intAt(20);
        this.dims = intAt(24);
        this.postings = data.get(LONG, 32);
        this.blocks = data.get(LONG, 40);
        long dataBytes = data.get(LONG, 48);
        if (ordinalLimit < 0 || dims < 0 || postings < 0 || blocks < 0 || blocks > Integer.MAX_VALUE || dataBytes < 0) {
            throw corrupt("negative or oversized counts: ordinal limit " + ordinalLimit + ", " + dims + " dims, "
                    + postings + " postings, " + blocks + " blocks, " + dataBytes + " data bytes");
        }
        if (intAt(28) != 0 || data.get(LONG, 56) != 0) {
            throw corrupt("reserved header fields are not 0");
        }
        if (dataBytes > size) {
            throw corrupt("truncated: " + size + " bytes, header describes " + dataBytes + " data bytes");
        }
        long expected = SparseIndexFile.fileLength(dims, blocks, dataBytes);
        if (size != expected) {
            throw corrupt((size < expected ? "truncated: " : "trailing bytes: ") + "file has " + size
                    + " bytes, header describes " + expected);
        }
        int footer = intAt(size - 8);
        if (footer != SparseIndexFile.FOOTER_MAGIC) {
            throw corrupt("bad footer magic 0x" + Integer.toHexString(footer));
        }
        int storedCrc = intAt(size - 4);
        int actualCrc = crc32c(data, size - 4);
        if (storedCrc != actualCrc) {
            throw corrupt("checksum mismatch: stored CRC32C 0x" + Integer.toHexString(storedCrc) + ", computed 0x"
                    + Integer.toHexString(actualCrc));
        }
        this.listTable = SparseIndexFile.listTableOffset(dims);
        this.blockTable = SparseIndexFile.blockTableOffset(dims);
        this.dataSection = SparseIndexFile.dataOffset(dims, blocks);
        new SparseIndexValidator(this).validate(dataBytes);
    }

    /**
     * Opens and verifies the index file at {@code file}: read into off-heap memory when {@code
     * onDisk} is false, memory-mapped when true.
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted or of another version
     */
    public static MmapSparseIndex open(Path file, boolean onDisk) throws IOException {
        return open(file, onDisk ? Residency.ON_DEMAND : Residency.LOCKED);
    }

    /**
     * Opens and verifies the index file at {@code file}, held with {@code residency} (see {@link
     * PlacedFiles}); an {@link Residency#ON_DEMAND} index gives back the pages its verification read.
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted or of another version
     */
    public static MmapSparseIndex open(Path file, Residency residency) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment seg = PlacedFiles.place(ch, file, 0, ch.size(), residency, arena);
            MmapSparseIndex idx = new MmapSparseIndex(file, arena, seg, residency != Residency.LOCKED);
            if (residency == Residency.ON_DEMAND) {
                PlacedFiles.evict(seg, file);
            }
            return idx;
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static int crc32c(MemorySegment segment, long length) {
        CRC32C crc = new CRC32C();
        for (long pos = 0; pos < length; pos += CHUNK) {
            crc.update(segment.asSlice(pos, Math.min(CHUNK, length - pos)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    int intAt(long offset) {
        return data.get(INT, offset);
    }

    IndexCorruptedException corrupt(String message) {
        return new IndexCorruptedException(path, message);
    }

    MemorySegment segment() {
        return data;
    }

    int dimCount() {
        return dims;
    }

    long blockTotal() {
        return blocks;
    }

    long dataSection() {
        return dataSection;
    }

    long listTable() {
        return listTable;
    }

    /** The dimension id of list {@code i}. */
    int dimIdAt(int i) {
        return intAt(SparseIndexFile.HEADER_BYTES + (long) SparseIndexFile.DIM_ID_BYTES * i);
    }

    /** The list of dimension {@code i} (trusted after validation). */
    MmapPostingList listAt(int i) {
        long entry = listTable + (long) SparseIndexFile.LIST_ENTRY_BYTES * i;
        int count = data.get(INT, entry);
        int firstBlock = data.get(INT, entry + 4);
        return new MmapPostingList(
                data,
                valueType,
                blockTable + (long) SparseIndexFile.BLOCK_ENTRY_BYTES * firstBlock,
                dataSection + data.get(LONG, entry + 16),
                count,
                data.get(FLOAT, entry + 8),
                data.get(FLOAT, entry + 12));
    }

    /** The index of {@code dimId} in the dimension table, or -1. */
    int find(int dimId) {
        int lo = 0;
        int hi = dims - 1;
        int key = dimId ^ Integer.MIN_VALUE;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = dimIdAt(mid) ^ Integer.MIN_VALUE;
            if (v < key) {
                lo = mid + 1;
            } else if (v > key) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    @Override
    public int ordinalLimit() {
        return ordinalLimit;
    }

    @Override
    public int docFrequency(int dimId) {
        int i = find(dimId);
        return i < 0 ? 0 : data.get(INT, listTable + (long) SparseIndexFile.LIST_ENTRY_BYTES * i);
    }

    @Override
    public long postingCount() {
        return postings;
    }

    @Override
    public SparseTopK search(SparseVector query, int k, IntPredicate accept) {
        return BlockMaxScoreSearch.search(query, k, accept, ordinalLimit, id -> {
            int d = find(id);
            return d < 0 ? null : listAt(d);
        });
    }

    /** Receives postings from {@link #forEachPosting}. */
    interface PostingVisitor {
        void visit(int dimId, int ordinal, float weight);
    }

    /** Calls {@code visitor} for every posting, as decoded, by dimension then ordinal. */
    void forEachPosting(PostingVisitor visitor) {
        int[] ords = new int[PostingBlocks.BLOCK_SIZE];
        float[] weights = new float[PostingBlocks.BLOCK_SIZE];
        for (int d = 0; d < dims; d++) {
            int id = dimIdAt(d);
            MmapPostingList list = listAt(d);
            for (int b = 0; b < list.blockCount(); b++) {
                int n = list.decode(b, ords, weights);
                for (int i = 0; i < n; i++) {
                    visitor.visit(id, ords[i], weights[i]);
                }
            }
        }
    }

    /** How the weights are stored. */
    public SparseValueType valueType() {
        return valueType;
    }

    /** The file's size in bytes. */
    public long byteSize() {
        return data.byteSize();
    }

    /** True when memory-mapped, false when read into memory. */
    public boolean onDisk() {
        return onDisk;
    }

    /** Bytes of the index resident in RAM now ({@link PlacedFiles#residentBytes}). */
    public long residentBytes() {
        return PlacedFiles.residentBytes(data);
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
