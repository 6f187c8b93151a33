package io.sextant.index.sparse;

import static io.sextant.index.sparse.PostingBlockCodec.FLOAT;
import static io.sextant.index.sparse.PostingBlockCodec.INT;
import static io.sextant.index.sparse.PostingBlockCodec.LONG;

import io.sextant.index.hnsw.IndexCorruptedException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The structural check of a sparse index file whose header, length and checksum {@link
 * MmapSparseIndex} has verified: walks the dimension, list and block tables and decodes every
 * block, so that the searches, which trust the file, can never read out of bounds, loop, or prune
 * with a bound below a real weight. Single use, on the opening thread.
 */
final class SparseIndexValidator {
    private final MmapSparseIndex index;
    private final MemorySegment seg;
    private final int[] ords = new int[PostingBlocks.BLOCK_SIZE];
    private final float[] weights = new float[PostingBlocks.BLOCK_SIZE];

    SparseIndexValidator(MmapSparseIndex index) {
        this.index = index;
        this.seg = index.segment();
    }

    void validate(long dataBytes) throws IndexCorruptedException {
        int dims = index.dimCount();
        long blocks = index.blockTotal();
        long blockSum = 0;
        long postingSum = 0;
        long dataPos = 0;
        for (int d = 0; d < dims; d++) {
            int id = index.dimIdAt(d);
            if (d > 0 && Integer.compareUnsigned(index.dimIdAt(d - 1), id) >= 0) {
                throw index.corrupt("dimension ids not strictly ascending at list " + d + ": "
                        + Integer.toUnsignedString(index.dimIdAt(d - 1)) + " then " + Integer.toUnsignedString(id));
            }
            long entry = index.listTable() + (long) SparseIndexFile.LIST_ENTRY_BYTES * d;
            int count = seg.get(INT, entry);
            int firstBlock = seg.get(INT, entry + 4);
            long offset = seg.get(LONG, entry + 16);
            if (count < 1) {
                throw index.corrupt("list " + d + " has " + count + " postings");
            }
            int nb = SparseIndexWriter.blockCount(count);
            if (firstBlock != blockSum || blockSum + nb > blocks) {
                throw index.corrupt("list " + d + " starts at block " + firstBlock + " with " + nb
                        + " blocks, expected block " + blockSum + " of " + blocks);
            }
            if (offset != dataPos) {
                throw index.corrupt("list " + d + " data at " + offset + ", expected " + dataPos);
            }
            dataPos = validateList(d, entry, count, nb, dataPos, dataBytes);
            blockSum += nb;
            postingSum += count;
        }
        if (blockSum != blocks || postingSum != index.postingCount() || dataPos != dataBytes) {
            throw index.corrupt("the lists hold " + blockSum + " blocks, " + postingSum + " postings and " + dataPos
                    + " data bytes, the header says " + blocks + ", " + index.postingCount() + " and " + dataBytes);
        }
    }

    /** Checks and decodes the blocks of list {@code d}; returns the data position after them. */
    private long validateList(int d, long entry, int count, int nb, long dataPos, long dataBytes)
            throws IndexCorruptedException {
        MmapPostingList list = index.listAt(d);
        long listStart = dataPos;
        float max = Float.NEGATIVE_INFINITY;
        float maxAbs = 0;
        long previousLast = -1;
        for (int b = 0; b < nb; b++) {
            int n = list.blockSize(b);
            int first = list.blockFirst(b);
            int last = list.blockLast(b);
            long inList = list.blockData(b) - index.dataSection() - listStart;
            if (inList != dataPos - listStart) {
                throw index.corrupt(
                        "list " + d + " block " + b + " data at " + inList + ", expected " + (dataPos - listStart));
            }
            if (first <= previousLast || last < first || last >= index.ordinalLimit() || (n == 1 && last != first)) {
                throw index.corrupt("list " + d + " block " + b + " spans ordinals " + first + " .. " + last + " after "
                        + previousLast + " (limit " + index.ordinalLimit() + ")");
            }
            long pos = index.dataSection() + dataPos;
            if (dataPos >= dataBytes) {
                throw index.corrupt("list " + d + " block " + b + " starts at " + dataPos + ", past the data section");
            }
            int width = seg.get(ValueLayout.JAVA_BYTE, pos) & 0xff;
            if (width > 32) {
                throw index.corrupt("list " + d + " block " + b + " has bit width " + width);
            }
            long size = PostingBlockCodec.encodedSize(n, width, index.valueType());
            if (dataPos + size > dataBytes) {
                throw index.corrupt("list " + d + " block " + b + " ends at " + (dataPos + size)
                        + ", past the data section (" + dataBytes + ")");
            }
            PostingBlockCodec.decode(seg, pos, n, first, index.valueType(), ords, weights);
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (i > 0 && ords[i] <= ords[i - 1]) {
                    throw index.corrupt("list " + d + " block " + b + " ordinals not ascending at " + i);
                }
                float w = weights[i];
                if (!Float.isFinite(w)) {
                    throw index.corrupt("list " + d + " block " + b + " weight " + i + " is " + w);
                }
                blockMax = Math.max(blockMax, w);
                maxAbs = Math.max(maxAbs, Math.abs(w));
            }
            if (ords[n - 1] != last) {
                throw index.corrupt(
                        "list " + d + " block " + b + " ends at ordinal " + ords[n - 1] + ", table says " + last);
            }
            if (!(blockMax == list.blockMax(b))) {
                throw index.corrupt(
                        "list " + d + " block " + b + " max " + list.blockMax(b) + ", weights' max " + blockMax);
            }
            max = Math.max(max, blockMax);
            previousLast = last;
            dataPos += size;
        }
        if (!(max == seg.get(FLOAT, entry + 8)) || !(maxAbs == seg.get(FLOAT, entry + 12))) {
            throw index.corrupt("list " + d + " maxima " + seg.get(FLOAT, entry + 8) + "/" + seg.get(FLOAT, entry + 12)
                    + ", weights' " + max + "/" + maxAbs);
        }
        return dataPos;
    }
}
