package io.sextant.index.sparse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The growable posting list of one dimension in a {@link MutableSparseIndex}: parallel ordinal and
 * weight arrays plus the largest weight of every {@link PostingBlocks#BLOCK_SIZE}-posting block.
 *
 * <p>One writer appends, any number of readers take {@link #view views} without locks. The writer
 * fills a slot, updates the block and list maxima, then publishes the new size with a release
 * store; when the arrays are full it copies them into larger ones and publishes the copy (release)
 * before writing into it. A reader acquires the size first and the arrays second, so it sees every
 * posting below that size complete; the maxima it reads are at least those of the postings it sees,
 * so they stay valid bounds.
 */
final class MutablePostingList {
    private static final VarHandle SIZE;
    private static final VarHandle ARRAYS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(MutablePostingList.class, "size", int.class);
            ARRAYS = lookup.findVarHandle(MutablePostingList.class, "arrays", Arrays3.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The storage; replaced, never resized, when it fills up. */
    private record Arrays3(int[] ords, float[] weights, float[] blockMax) {
        static Arrays3 withCapacity(int capacity) {
            return new Arrays3(
                    new int[capacity],
                    new float[capacity],
                    new float[(capacity + PostingBlocks.BLOCK_SIZE - 1) / PostingBlocks.BLOCK_SIZE]);
        }
    }

    final int dimId;

    @SuppressWarnings("unused") // accessed through SIZE
    private int size;

    @SuppressWarnings("unused") // accessed through ARRAYS
    private Arrays3 arrays;

    private float maxWeight = Float.NEGATIVE_INFINITY;
    private float maxAbsWeight;

    MutablePostingList(int dimId) {
        this.dimId = dimId;
        ARRAYS.setRelease(this, Arrays3.withCapacity(4));
    }

    /** Writer only: appends a posting whose ordinal is above every ordinal in the list. */
    void append(int ord, float weight) {
        int n = (int) SIZE.get(this);
        Arrays3 a = (Arrays3) ARRAYS.get(this);
        if (n == a.ords.length) {
            int capacity = n < 1024 ? n * 2 : n + (n >>> 1);
            Arrays3 grown = new Arrays3(
                    Arrays.copyOf(a.ords, capacity),
                    Arrays.copyOf(a.weights, capacity),
                    Arrays.copyOf(a.blockMax, (capacity + PostingBlocks.BLOCK_SIZE - 1) / PostingBlocks.BLOCK_SIZE));
            ARRAYS.setRelease(this, grown);
            a = grown;
        }
        a.ords[n] = ord;
        a.weights[n] = weight;
        int block = n / PostingBlocks.BLOCK_SIZE;
        a.blockMax[block] = n % PostingBlocks.BLOCK_SIZE == 0 ? weight : Math.max(a.blockMax[block], weight);
        maxWeight = Math.max(maxWeight, weight);
        maxAbsWeight = Math.max(maxAbsWeight, Math.abs(weight));
        SIZE.setRelease(this, n + 1);
    }

    /** A view of the postings with ordinals below {@code ordinalLimit}, as published. */
    View view(int ordinalLimit) {
        int n = (int) SIZE.getAcquire(this);
        if (n == 0) {
            return null;
        }
        Arrays3 a = (Arrays3) ARRAYS.getAcquire(this);
        while (n > 0 && a.ords[n - 1] >= ordinalLimit) {
            n--;
        }
        return n == 0 ? null : new View(a, n, maxWeight, maxAbsWeight);
    }

    /** An immutable snapshot of the first {@code size} postings. Thread-confined. */
    static final class View implements PostingBlocks {
        private final int[] ords;
        private final float[] weights;
        private final float[] blockMax;
        private final int size;
        private final int blocks;
        private final float maxWeight;
        private final float maxAbsWeight;

        View(Arrays3 a, int size, float maxWeight, float maxAbsWeight) {
            this.ords = a.ords;
            this.weights = a.weights;
            this.blockMax = a.blockMax;
            this.size = size;
            this.blocks = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
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
            return ords[block * BLOCK_SIZE];
        }

        @Override
        public int blockLast(int block) {
            return ords[Math.min(size, (block + 1) * BLOCK_SIZE) - 1];
        }

        @Override
        public float blockMax(int block) {
            return blockMax[block];
        }

        @Override
        public float maxWeight() {
            return maxWeight;
        }

        @Override
        public float maxAbsWeight() {
            return maxAbsWeight;
        }

        @Override
        public int decode(int block, int[] outOrds, float[] outWeights) {
            int from = block * BLOCK_SIZE;
            int n = Math.min(BLOCK_SIZE, size - from);
            System.arraycopy(ords, from, outOrds, 0, n);
            System.arraycopy(weights, from, outWeights, 0, n);
            return n;
        }
    }
}
