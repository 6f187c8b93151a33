package io.sextant.index.hnsw;

import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;

/**
 * The diversity heuristic of HNSW neighbour selection (Malkov &amp; Yashunin's "heuristic"): walking
 * candidates best first, one is kept when it is closer to the base node than to every neighbour kept
 * before it, until {@code cap} are kept.
 *
 * <p>Computed pick by pick: once a candidate is kept, it is scored in one bulk call against every
 * candidate still in the running, and those closer to it than to the base node drop out; the best
 * candidate left is the next pick. A candidate thus meets the picks before it in order until one of
 * them beats its score to the base node, which are exactly the pairs a candidate-by-candidate check
 * scores (plus, when the cap is reached, the last pick's pairs with candidates never examined), but
 * through the multi-row kernels ({@link VectorScorer#bulkScore}, four or eight rows a pass) instead
 * of one single-row call per pair, and with one copy of a node's vector per pick instead of one per
 * candidate.
 *
 * <p>One per thread: the node-to-node scorer handle and the buffers are reused. Not thread-safe.
 */
final class DiverseSelection {
    /** Makes {@link #select} run {@link #selectOneByOne}: the build benchmark's A/B switch, never set in production. */
    static boolean referenceOnly;

    private final ScorerSupplier.Retargetable pairs;
    private int[] alive = new int[128];
    private float[] aliveScores = new float[128];
    private float[] pairScores = new float[128];

    DiverseSelection(ScorerSupplier.Retargetable pairs) {
        this.pairs = pairs;
    }

    /** The handle node-to-node scorers come from. */
    ScorerSupplier.Retargetable pairs() {
        return pairs;
    }

    /**
     * Picks up to {@code cap} of {@code cand[0 .. count)} (best first, {@code candScores} their
     * scores to the base node) into {@code out}/{@code outScores}, best first; returns how many.
     * {@code out} may not be {@code cand}.
     */
    int select(int[] cand, float[] candScores, int count, int cap, int[] out, float[] outScores) {
        if (referenceOnly) {
            return selectOneByOne(pairs, cand, candScores, count, cap, out, outScores);
        }
        ensure(count);
        int[] live = alive;
        float[] liveScores = aliveScores;
        System.arraycopy(cand, 0, live, 0, count);
        System.arraycopy(candScores, 0, liveScores, 0, count);
        int n = count;
        int start = 0;
        int picked = 0;
        while (start < n && picked < cap) {
            int pick = live[start];
            out[picked] = pick;
            outScores[picked] = liveScores[start];
            picked++;
            start++;
            if (picked == cap || start == n) {
                break;
            }
            // the remaining candidates against the new pick, in one call
            int rest = n - start;
            System.arraycopy(live, start, live, 0, rest);
            System.arraycopy(liveScores, start, liveScores, 0, rest);
            float[] s = pairScores;
            pairs.at(pick).bulkScore(live, rest, s);
            int w = 0;
            for (int i = 0; i < rest; i++) {
                if (s[i] <= liveScores[i]) {
                    live[w] = live[i];
                    liveScores[w] = liveScores[i];
                    w++;
                }
            }
            n = w;
            start = 0;
        }
        return picked;
    }

    /**
     * The same heuristic checked candidate by candidate with single-row scores: the reference the
     * tests compare {@link #select} with.
     */
    static int selectOneByOne(
            ScorerSupplier.Retargetable pairs,
            int[] cand,
            float[] candScores,
            int count,
            int cap,
            int[] out,
            float[] outScores) {
        int picked = 0;
        for (int i = 0; i < count && picked < cap; i++) {
            int c = cand[i];
            float toBase = candScores[i];
            boolean keep = true;
            if (picked > 0) {
                VectorScorer sc = pairs.at(c);
                for (int j = 0; j < picked; j++) {
                    if (sc.score(out[j]) > toBase) {
                        keep = false;
                        break;
                    }
                }
            }
            if (keep) {
                out[picked] = c;
                outScores[picked] = toBase;
                picked++;
            }
        }
        return picked;
    }

    /**
     * Scores {@code node} against {@code nodes[from .. to)} in one call into {@link #pairScores}
     * (indexed from {@code from}); returns the buffer.
     */
    float[] scoreRange(int node, int[] nodes, int from, int to) {
        int k = to - from;
        ensure(to);
        if (k <= 0) {
            return pairScores;
        }
        int[] batch = alive;
        System.arraycopy(nodes, from, batch, 0, k);
        float[] tmp = aliveScores;
        pairs.at(node).bulkScore(batch, k, tmp);
        System.arraycopy(tmp, 0, pairScores, from, k);
        return pairScores;
    }

    private void ensure(int count) {
        if (alive.length < count) {
            int size = Math.max(count, alive.length * 2);
            alive = new int[size];
            aliveScores = new float[size];
            pairScores = new float[size];
        }
    }
}
