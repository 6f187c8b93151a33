package io.sextant.bench.sparse;

import io.sextant.index.sparse.SparseTopK;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's reference answer: every document that shares a term with the query scored with
 * {@link SparseVector#dot}, sorted by score then ordinal. Candidates come from plain term → ordinals
 * lists built here, independent of the index under test. Immutable after construction.
 */
final class BruteForceBm25 {
    private final SparseVector[] docs;
    private final Map<Integer, int[]> lists = new HashMap<>();

    BruteForceBm25(SparseVector[] docs) {
        this.docs = docs;
        Map<Integer, List<Integer>> byTerm = new HashMap<>();
        for (int ord = 0; ord < docs.length; ord++) {
            for (int id : docs[ord].indices()) {
                byTerm.computeIfAbsent(id, x -> new ArrayList<>()).add(ord);
            }
        }
        byTerm.forEach(
                (k, v) -> lists.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }

    SparseTopK topK(SparseVector query, int k) {
        BitSet seen = new BitSet(docs.length);
        for (int id : query.indices()) {
            int[] ords = lists.get(id);
            if (ords != null) {
                for (int o : ords) {
                    seen.set(o);
                }
            }
        }
        record Hit(int ord, float score) {}
        List<Hit> hits = new ArrayList<>();
        for (int o = seen.nextSetBit(0); o >= 0; o = seen.nextSetBit(o + 1)) {
            hits.add(new Hit(o, query.dot(docs[o])));
        }
        hits.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.ord, b.ord));
        int n = Math.min(k, hits.size());
        int[] ords = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            ords[i] = hits.get(i).ord;
            scores[i] = hits.get(i).score;
        }
        return new SparseTopK(ords, scores);
    }
}
