package io.sextant.index.sparse;

import static io.sextant.index.sparse.PostingBlockCodec.FLOAT;
import static io.sextant.index.sparse.PostingBlockCodec.INT;

import java.lang.foreign.MemorySegment;

/**
 * One posting list of a {@link MmapSparseIndex} file, read in place: block table entries are read
 * from the segment on demand and blocks decoded with {@link PostingBlockCodec}. A flyweight made
 * per search; thread-confined. Offsets are trusted: the file was validated at open.
 */
final class MmapPostingList implements PostingBlocks {
    private final MemorySegment seg;
    private final SparseValueType type;
    /** Absolute offset of the list's first block table entry. */
    private final long blockTable;
    /** Absolute offset of the list's first block. */
    private final long data;

    private final int size;
    private final int blocks;
    private final float maxWeight;
    private final float maxAbsWeight;

    MmapPostingList(
            MemorySegment seg,
            SparseValueType type,
            long blockTable,
            long data,
            int size,
            float maxWeight,
            float maxAbsWeight) {
        this.seg = seg;
        this.type = type;
        this.blockTable = blockTable;
        this.data = data;
        this.size = size;
        this.blocks = SparseIndexWriter.blockCount(size);
        this.maxWeight = maxWeight;
        this.maxAbsWeight = maxAbsWeight;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int blockCount() {
        return blocks;
    }

    @Override
    public int blockFirst(int block) {
        return seg.get(INT, blockTable + (long) SparseIndexFile.BLOCK_ENTRY_BYTES * block);
    }

    @Override
    public int blockLast(int block) {
        return seg.get(INT, blockTable + (long) SparseIndexFile.BLOCK_ENTRY_BYTES * block + 4);
    }

    @Override
    public float blockMax(int block) {
        return seg.get(FLOAT, blockTable + (long) SparseIndexFile.BLOCK_ENTRY_BYTES * block + 8);
    }

    @Override
    public float maxWeight() {
        return maxWeight;
    }

    @Override
    public float maxAbsWeight() {
        return maxAbsWeight;
    }

    /** The number of postings in {@code block}. */
    int blockSize(int block) {
        return block < blocks - 1 ? BLOCK_SIZE : size - BLOCK_SIZE * (blocks - 1);
    }

    /** Absolute offset of {@code block}'s data. */
    long blockData(int block) {
        return data + seg.get(INT, blockTable + (long) SparseIndexFile.BLOCK_ENTRY_BYTES * block + 12);
    }

    @Override
    public int decode(int block, int[] ords, float[] weights) {
        int n = blockSize(block);
        PostingBlockCodec.decode(seg, blockData(block), n, blockFirst(block), type, ords, weights);
        return n;
    }
}
