package io.sextant.index.sparse;

/**
 * A bounded min-heap of (ordinal, score) that keeps the {@code k} best hits: higher score first,
 * equal scores by smaller ordinal. The root is the worst kept hit. Not thread-safe; one per search.
 */
final class TopKHeap {
    private final int k;
    private final int[] ords;
    private final float[] scores;
    private int size;

    TopKHeap(int k) {
        this.k = k;
        this.ords = new int[k];
        this.scores = new float[k];
    }

    boolean full() {
        return size == k;
    }

    /** The worst kept score; meaningful only when {@link #full()}. */
    float minScore() {
        return scores[0];
    }

    /**
     * Whether {@code score} would enter the heap for an ordinal larger than every kept one (the
     * searches visit ordinals in ascending order, so an equal score loses the tie).
     */
    boolean competitive(float score) {
        return size < k || score > scores[0];
    }

    /** Offers a hit; ties with the root are decided by ordinal. */
    void offer(int ord, float score) {
        if (size < k) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(score, ord, scores[parent], ords[parent])) {
                    break;
                }
                ords[i] = ords[parent];
                scores[i] = scores[parent];
                i = parent;
            }
            ords[i] = ord;
            scores[i] = score;
        } else if (k > 0 && worse(scores[0], ords[0], score, ord)) {
            siftDownFromRoot(ord, score);
        }
    }

    private void siftDownFromRoot(int ord, float score) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && worse(scores[right], ords[right], scores[child], ords[child])) {
                child = right;
            }
            if (!worse(scores[child], ords[child], score, ord)) {
                break;
            }
            ords[i] = ords[child];
            scores[i] = scores[child];
            i = child;
        }
        ords[i] = ord;
        scores[i] = score;
    }

    /** Whether hit a ranks below hit b. */
    private static boolean worse(float sa, int oa, float sb, int ob) {
        return sa < sb || (sa == sb && oa > ob);
    }

    /** The kept hits, best first; empties the heap. */
    SparseTopK drain() {
        int n = size;
        int[] outOrds = new int[n];
        float[] outScores = new float[n];
        for (int i = n - 1; i >= 0; i--) {
            outOrds[i] = ords[0];
            outScores[i] = scores[0];
            size--;
            if (size > 0) {
                siftDownFromRoot(ords[size], scores[size]);
            }
        }
        return new SparseTopK(outOrds, outScores);
    }
}
