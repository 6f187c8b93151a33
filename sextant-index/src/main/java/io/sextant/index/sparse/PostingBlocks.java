package io.sextant.index.sparse;

/**
 * One dimension's posting list as the search sees it: ordinals ascending with their weights, cut
 * into blocks of {@link #BLOCK_SIZE} postings (the last block may be shorter), each block with its
 * first and last ordinal and its largest weight, readable without decoding the block.
 *
 * <p>Implementations are read-only views; thread-safety is that of the index they come from.
 */
interface PostingBlocks {
    /** Postings per block (the last block of a list holds the rest). */
    int BLOCK_SIZE = 128;

    /** The number of postings. */
    int size();

    /** The number of blocks, {@code ceil(size / BLOCK_SIZE)}. */
    int blockCount();

    int blockFirst(int block);

    int blockLast(int block);

    /** The largest weight in {@code block}. */
    float blockMax(int block);

    /** The largest weight in the list. */
    float maxWeight();

    /** The largest absolute weight in the list (bounds the rounding error of sums). */
    float maxAbsWeight();

    /**
     * Copies the ordinals and weights of {@code block} into the arrays (at least {@link
     * #BLOCK_SIZE} long) and returns how many it wrote.
     */
    int decode(int block, int[] ords, float[] weights);
}
