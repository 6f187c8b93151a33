package io.sextant.index.sparse;

import io.sextant.vector.sparse.SparseVector;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Exact top-k over posting lists by windowed block-max MaxScore, scoring with the same float
 * arithmetic as {@link io.sextant.vector.sparse.SparseVector#dot}.
 *
 * <p>Ordinals are visited in ascending windows of {@link #WINDOW} ordinals. In each window every
 * query term gets an upper bound, its weight times the largest block maximum of its blocks that
 * overlap the window. Once the heap holds {@code k} hits, the terms whose bounds add up to no more
 * than the current k-th score (sorted ascending, the longest such prefix) are <em>non-essential</em>:
 * an ordinal that only they match cannot enter the top k, so only the <em>essential</em> terms are
 * scored term-at-a-time into the window's accumulator, in ascending dimension order. When every
 * term of the window is essential the accumulated sums are the exact scores. Otherwise an ordinal
 * whose partial sum plus the non-essential bounds may beat the k-th score is rescored exactly by
 * looking it up in every list in dimension order. A window whose terms are all non-essential is
 * skipped without decoding a block, and between windows the search jumps to the next ordinal of a
 * term that is essential by its whole-list bound.
 *
 * <p>Exactness under float rounding: pruning compares bounds padded by {@code eps}, a bound on the
 * difference between sums of the same products added in different orders ({@code (4m + 8) 2^-24
 * sum_t |q_t| maxAbs_t} for {@code m} terms). Ordinals are offered in ascending order, so a later
 * ordinal with a score equal to the k-th loses the tie and "no more than" prunes exactly. A query
 * with any weight {@code <= 0} is scored exhaustively (every term essential in every window):
 * block maxima bound the products only for positive query weights.
 *
 * <p>Not thread-safe: one instance per search, on the searching thread.
 */
final class BlockMaxScoreSearch {
    /** Ordinals per window; a multiple of 64 (the touched-ordinal bitset). */
    static final int WINDOW = 16384;

    private final PostingBlocks[] lists;
    private final float[] q;
    private final int m;
    private final IntPredicate accept;
    private final TopKHeap top;
    private final boolean prune;
    private final float eps;

    private final int[] blockCount;
    /** Per term, the first block whose last ordinal is at or after the current window start. */
    private final int[] cursor;
    /** Per term, the block held decoded in {@link #ords}/{@link #weights}, -1 for none. */
    private final int[] decodedBlock;

    private final int[] decodedCount;
    private final int[][] ords;
    private final float[][] weights;
    /** Per term, the probe position inside the window: block and index into the decoded block. */
    private final int[] probeBlock;

    private final int[] probeIndex;
    /** Per term, its bound in the current window; NaN when it has no posting there. */
    private final float[] windowMax;

    private final boolean[] essential;
    private final float[] globalMax;
    private final int[] globalOrder;
    private final int[] order;
    /** {@code remainingBound[j]}: eps plus the window bounds of non-essential terms j, j+1, ... */
    private final float[] remainingBound;

    private final float[] acc;
    private final long[] touched;

    private BlockMaxScoreSearch(PostingBlocks[] lists, float[] q, int k, IntPredicate accept, SearchScratch scratch) {
        this.lists = lists;
        this.q = q;
        this.m = lists.length;
        this.accept = accept;
        this.top = new TopKHeap(k);
        boolean allPositive = true;
        double absSum = 0;
        for (int t = 0; t < m; t++) {
            allPositive &= q[t] > 0;
            absSum += Math.abs((double) q[t]) * lists[t].maxAbsWeight();
        }
        this.prune = allPositive;
        this.eps = Math.nextUp((float) ((4.0 * m + 8.0) * 0x1p-24 * absSum + Float.MIN_NORMAL));
        this.blockCount = new int[m];
        this.cursor = new int[m];
        this.decodedBlock = new int[m];
        this.decodedCount = new int[m];
        this.ords = scratch.ords;
        this.weights = scratch.weights;
        this.acc = scratch.acc;
        this.touched = scratch.touched;
        this.probeBlock = new int[m];
        this.probeIndex = new int[m];
        this.windowMax = new float[m];
        this.essential = new boolean[m];
        this.globalMax = new float[m];
        this.order = new int[m];
        this.remainingBound = new float[m];
        for (int t = 0; t < m; t++) {
            blockCount[t] = lists[t].blockCount();
            decodedBlock[t] = -1;
            globalMax[t] = q[t] * lists[t].maxWeight();
        }
        this.globalOrder = sortedByBound(globalMax, m);
    }

    /**
     * The exact top {@code k} for {@code query}, its dimensions' lists found by {@code lookup} (null
     * or empty when the index has none), ordinals below {@code ordinalLimit}.
     *
     * @throws IllegalArgumentException when {@code k} is negative
     */
    static SparseTopK search(
            SparseVector query, int k, IntPredicate accept, int ordinalLimit, IntFunction<PostingBlocks> lookup) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        int[] ids = query.indices();
        float[] values = query.values();
        PostingBlocks[] lists = new PostingBlocks[ids.length];
        float[] weights = new float[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            PostingBlocks list = lookup.apply(ids[i]);
            if (list != null && list.size() > 0) {
                lists[n] = list;
                weights[n++] = values[i];
            }
        }
        if (n < ids.length) {
            lists = Arrays.copyOf(lists, n);
            weights = Arrays.copyOf(weights, n);
        }
        return search(lists, weights, Math.min(k, ordinalLimit), accept);
    }

    /**
     * The exact top {@code k} of the lists (non-empty, in ascending dimension order) weighted by
     * {@code q}.
     */
    static SparseTopK search(PostingBlocks[] lists, float[] q, int k, IntPredicate accept) {
        if (k == 0 || lists.length == 0) {
            return SparseTopK.EMPTY;
        }
        SearchScratch scratch = SearchScratch.acquire(lists.length);
        boolean clean = false;
        try {
            BlockMaxScoreSearch search = new BlockMaxScoreSearch(lists, q, k, accept, scratch);
            search.run();
            clean = true;
            return search.top.drain();
        } finally {
            scratch.release(clean);
        }
    }

    private void run() {
        long start = 0;
        while (true) {
            long next = nextEssentialOrdinal();
            if (next == Long.MAX_VALUE) {
                return;
            }
            long windowStart = Math.max(start, next);
            long windowEnd = windowStart + WINDOW;
            scoreWindow((int) windowStart, windowEnd);
            for (int t = 0; t < m; t++) {
                int b = cursor[t];
                while (b < blockCount[t] && lists[t].blockLast(b) < windowEnd) {
                    b++;
                }
                cursor[t] = b;
            }
            start = windowEnd;
        }
    }

    /**
     * The smallest ordinal still ahead in a list that can matter on its own: with a full heap, the
     * terms whose whole-list bounds add up to no more than the k-th score are left out.
     */
    private long nextEssentialOrdinal() {
        int skip = 0;
        if (prune && top.full()) {
            float theta = top.minScore();
            float sum = 0;
            while (skip < m && (sum + globalMax[globalOrder[skip]]) + eps <= theta) {
                sum += globalMax[globalOrder[skip]];
                skip++;
            }
        }
        long next = Long.MAX_VALUE;
        for (int i = skip; i < m; i++) {
            int t = globalOrder[i];
            if (cursor[t] < blockCount[t]) {
                next = Math.min(next, lists[t].blockFirst(cursor[t]));
            }
        }
        return next;
    }

    private void scoreWindow(int windowStart, long windowEnd) {
        int present = 0;
        for (int t = 0; t < m; t++) {
            PostingBlocks list = lists[t];
            int b = cursor[t];
            probeBlock[t] = b;
            probeIndex[t] = 0;
            if (b >= blockCount[t] || list.blockFirst(b) >= windowEnd) {
                windowMax[t] = Float.NaN;
                essential[t] = false;
                continue;
            }
            float max = list.blockMax(b);
            for (int nb = b + 1; nb < blockCount[t] && list.blockFirst(nb) < windowEnd; nb++) {
                max = Math.max(max, list.blockMax(nb));
            }
            windowMax[t] = q[t] * max;
            essential[t] = true;
            order[present++] = t;
        }
        int nonEssential = 0;
        if (prune && top.full()) {
            sortByBound(order, present, windowMax);
            float theta = top.minScore();
            float sum = 0;
            while (nonEssential < present && (sum + windowMax[order[nonEssential]]) + eps <= theta) {
                sum += windowMax[order[nonEssential]];
                essential[order[nonEssential]] = false;
                nonEssential++;
            }
            if (nonEssential == present) {
                return;
            }
            // best bound first, each with the bound of itself and the ones after it (plus eps)
            for (int i = 0, j = nonEssential - 1; i < j; i++, j--) {
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            float suffix = eps;
            for (int i = nonEssential - 1; i >= 0; i--) {
                suffix += windowMax[order[i]];
                remainingBound[i] = suffix;
            }
        }
        for (int t = 0; t < m; t++) {
            if (essential[t]) {
                accumulate(t, windowStart, windowEnd);
            }
        }
        collect(windowStart, nonEssential);
    }

    /** Adds term {@code t}'s products for the ordinals in the window to the accumulator. */
    private void accumulate(int t, int windowStart, long windowEnd) {
        PostingBlocks list = lists[t];
        float qt = q[t];
        float[] acc = this.acc;
        long[] touched = this.touched;
        for (int b = cursor[t]; b < blockCount[t] && list.blockFirst(b) < windowEnd; b++) {
            int n = decode(t, b);
            int[] o = ords[t];
            float[] w = weights[t];
            int i = 0;
            while (i < n && o[i] < windowStart) {
                i++;
            }
            int end = n;
            if (list.blockLast(b) >= windowEnd) {
                while (end > i && o[end - 1] >= windowEnd) {
                    end--;
                }
            }
            for (; i < end; i++) {
                int d = o[i] - windowStart;
                acc[d] += qt * w[i];
                touched[d >>> 6] |= 1L << d;
            }
        }
    }

    /**
     * Offers the window's touched ordinals, ascending; clears the accumulator and bitset. With
     * non-essential terms ({@code nonEssential > 0}, listed best bound first in {@link #order}) a
     * candidate's partial sum is completed term by term while the bounds of the terms not yet
     * looked up can still lift it above the k-th score; survivors are rescored exactly.
     */
    private void collect(int windowStart, int nonEssential) {
        float[] acc = this.acc;
        long[] touched = this.touched;
        for (int word = 0; word < touched.length; word++) {
            long bits = touched[word];
            if (bits == 0) {
                continue;
            }
            touched[word] = 0;
            do {
                int d = (word << 6) | Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                float score = acc[d];
                acc[d] = 0;
                int ord = windowStart + d;
                if (nonEssential == 0) {
                    if (top.competitive(score) && (accept == null || accept.test(ord))) {
                        top.offer(ord, score);
                    }
                    continue;
                }
                float theta = top.minScore();
                int j = 0;
                while (j < nonEssential && score + remainingBound[j] > theta) {
                    float w = probe(order[j], ord);
                    if (w == w) {
                        score += q[order[j]] * w;
                    }
                    j++;
                }
                if (j == nonEssential && score + eps > theta && (accept == null || accept.test(ord))) {
                    float exact = rescore(ord);
                    if (top.competitive(exact)) {
                        top.offer(ord, exact);
                    }
                }
            } while (bits != 0);
        }
    }

    /** The exact dot product of {@code ord}: every term looked up, products added in dim order. */
    private float rescore(int ord) {
        float sum = 0;
        for (int t = 0; t < m; t++) {
            if (!Float.isNaN(windowMax[t])) {
                float w = probe(t, ord);
                if (w == w) {
                    sum += q[t] * w;
                }
            }
        }
        return sum;
    }

    /**
     * Term {@code t}'s weight for {@code ord}, NaN when its list lacks it. Within a window the
     * probed ordinals must ascend per term.
     */
    private float probe(int t, int ord) {
        PostingBlocks list = lists[t];
        int b = probeBlock[t];
        int nBlocks = blockCount[t];
        while (b < nBlocks && list.blockLast(b) < ord) {
            b++;
            probeIndex[t] = 0;
        }
        probeBlock[t] = b;
        if (b == nBlocks || list.blockFirst(b) > ord) {
            return Float.NaN;
        }
        boolean fresh = decodedBlock[t] != b;
        decode(t, b);
        int[] o = ords[t];
        int i = fresh ? 0 : probeIndex[t];
        while (o[i] < ord) {
            i++;
        }
        probeIndex[t] = i;
        return o[i] == ord ? weights[t][i] : Float.NaN;
    }

    private int decode(int t, int b) {
        if (decodedBlock[t] != b) {
            decodedCount[t] = lists[t].decode(b, ords[t], weights[t]);
            decodedBlock[t] = b;
            probeIndex[t] = 0;
        }
        return decodedCount[t];
    }

    private static int[] sortedByBound(float[] bound, int m) {
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        sortByBound(idx, m, bound);
        return idx;
    }

    /** Insertion sort of {@code idx[0..n)} by ascending {@code bound} (queries have few terms). */
    private static void sortByBound(int[] idx, int n, float[] bound) {
        for (int i = 1; i < n; i++) {
            int v = idx[i];
            float key = bound[v];
            int j = i - 1;
            while (j >= 0 && bound[idx[j]] > key) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = v;
        }
    }
}
