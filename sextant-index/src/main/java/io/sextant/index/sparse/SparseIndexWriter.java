package io.sextant.index.sparse;

import io.sextant.index.ChecksummedFileOutput;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * Writes the immutable, compressed sparse inverted index file that {@link MmapSparseIndex} serves.
 *
 * <p>The file is written to {@code <name>.tmp}, fsynced, renamed over {@code <name>} and the
 * directory fsynced, so a crash leaves either the old file or the complete new one.
 *
 * <h2>Layout, format version 1</h2>
 *
 * All values little-endian; dimension ids are unsigned 32-bit.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x50535853 (the bytes "SXSP")
 * 4       4     format version = 1
 * 8       4     flags: feature bits appended over versions, never reordered; none in version 1,
 *               and a reader rejects bits it does not know
 * 12      4     value type code ({@link SparseValueType#code()}: 0 FLOAT32, 1 FLOAT16, 2 UINT8)
 * 16      4     postings per block = 128
 * 20      4     ordinalLimit: every ordinal is below it
 * 24      4     D: the number of dimensions (posting lists)
 * 28      4     reserved, 0
 * 32      8     P: the number of postings
 * 40      8     B: the number of blocks
 * 48      8     data bytes: the length of the block data section
 * 56      8     reserved, 0
 * 64      4 D   dimension ids, strictly ascending (unsigned)
 * then    24 D  list table, entry i for dimension i:
 *                 int   postings n_i (>= 1)
 *                 int   first block: index of the list's first entry in the block table
 *                       (the sum of the block counts of the lists before it)
 *                 float largest weight (as decoded)
 *                 float largest absolute weight (as decoded)
 *                 long  offset of the list's first block in the data section
 *               (the list has ceil(n_i / 128) blocks, all of 128 postings but the last)
 * then    16 B  block table, one entry per block, lists in dimension order:
 *                 int   first ordinal of the block
 *                 int   last ordinal of the block
 *                 float largest weight in the block (as decoded)
 *                 int   offset of the block from its list's first block in the data section
 * then    data  blocks back to back, each laid out as {@link PostingBlockCodec} documents:
 *               bit width, bit-packed ordinal gaps, weights
 * end - 8 4     footer magic 0x45535853 (the bytes "SXSE")
 * end - 4 4     CRC32C of every preceding byte
 * </pre>
 *
 * The total length is therefore {@code 64 + 28 D + 16 B + data bytes + 8}; a reader checks it
 * exactly. Block maxima let a search skip blocks without decoding them; the separate id array keeps
 * the binary search for a dimension in few cache lines.
 *
 * <p>Building transposes the vectors on the heap (8 bytes per posting) and reads each vector twice
 * (a counting pass, then a filling pass). Stateless and thread-safe; {@code vectorAt} must return
 * the same vectors in both passes.
 */
public final class SparseIndexWriter {
    private SparseIndexWriter() {}

    /**
     * Writes the index of {@code vectorAt(0 .. ordinalLimit-1)} durably to {@code file}, replacing
     * any existing file.
     *
     * @param vectorAt the vector of an ordinal, null for none
     * @throws IllegalArgumentException when a weight is not finite or one list would exceed 2 GiB
     */
    public static void write(Path file, int ordinalLimit, IntFunction<SparseVector> vectorAt, SparseValueType valueType)
            throws IOException {
        if (ordinalLimit < 0) {
            throw new IllegalArgumentException("ordinalLimit must be >= 0, got " + ordinalLimit);
        }
        TransposedPostings lists = TransposedPostings.of(ordinalLimit, vectorAt);
        int dims = lists.dimIds.length;
        // pass 1: block maxima and sizes
        PostingBlockCodec codec = new PostingBlockCodec();
        long blocks = 0;
        for (int d = 0; d < dims; d++) {
            blocks += blockCount(lists.count(d));
        }
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many blocks: " + blocks);
        }
        int[] blockFirst = new int[(int) blocks];
        int[] blockLast = new int[(int) blocks];
        float[] blockMax = new float[(int) blocks];
        int[] blockOffset = new int[(int) blocks];
        float[] listMax = new float[dims];
        float[] listMaxAbs = new float[dims];
        long[] listOffset = new long[dims];
        long data = 0;
        int b = 0;
        for (int d = 0; d < dims; d++) {
            int from = lists.start[d];
            int n = lists.count(d);
            listOffset[d] = data;
            listMax[d] = Float.NEGATIVE_INFINITY;
            long inList = 0;
            for (int i = 0; i < n; i += PostingBlocks.BLOCK_SIZE, b++) {
                int len = Math.min(PostingBlocks.BLOCK_SIZE, n - i);
                codec.encode(lists.ords, lists.weights, from + i, len, valueType);
                blockFirst[b] = lists.ords[from + i];
                blockLast[b] = lists.ords[from + i + len - 1];
                blockMax[b] = codec.maxWeight;
                if (inList > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("the posting list of dimension "
                            + Integer.toUnsignedString(lists.dimIds[d]) + " exceeds 2 GiB");
                }
                blockOffset[b] = (int) inList;
                listMax[d] = Math.max(listMax[d], codec.maxWeight);
                listMaxAbs[d] = Math.max(listMaxAbs[d], codec.maxAbsWeight);
                inList += codec.size;
            }
            data += inList;
        }
        try (ChecksummedFileOutput out = new ChecksummedFileOutput(file)) {
            out.putInt(SparseIndexFile.MAGIC);
            out.putInt(SparseIndexFile.VERSION);
            out.putInt(0);
            out.putInt(valueType.code());
            out.putInt(PostingBlocks.BLOCK_SIZE);
            out.putInt(ordinalLimit);
            out.putInt(dims);
            out.putInt(0);
            out.putLong(lists.ords.length);
            out.putLong(blocks);
            out.putLong(data);
            out.putLong(0);
            for (int id : lists.dimIds) {
                out.putInt(id);
            }
            int firstBlock = 0;
            for (int d = 0; d < dims; d++) {
                out.putInt(lists.count(d));
                out.putInt(firstBlock);
                out.putInt(Float.floatToRawIntBits(listMax[d]));
                out.putInt(Float.floatToRawIntBits(listMaxAbs[d]));
                out.putLong(listOffset[d]);
                firstBlock += blockCount(lists.count(d));
            }
            for (int i = 0; i < blocks; i++) {
                out.putInt(blockFirst[i]);
                out.putInt(blockLast[i]);
                out.putInt(Float.floatToRawIntBits(blockMax[i]));
                out.putInt(blockOffset[i]);
            }
            // pass 2: the blocks
            for (int d = 0; d < dims; d++) {
                int from = lists.start[d];
                int n = lists.count(d);
                for (int i = 0; i < n; i += PostingBlocks.BLOCK_SIZE) {
                    codec.encode(
                            lists.ords, lists.weights, from + i, Math.min(PostingBlocks.BLOCK_SIZE, n - i), valueType);
                    out.put(codec.bytes, codec.size);
                }
            }
            out.putInt(SparseIndexFile.FOOTER_MAGIC);
            out.commit();
        }
    }

    static int blockCount(int postings) {
        return (postings + PostingBlocks.BLOCK_SIZE - 1) / PostingBlocks.BLOCK_SIZE;
    }
}
