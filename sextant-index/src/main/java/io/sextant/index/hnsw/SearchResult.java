package io.sextant.index.hnsw;

/**
 * The outcome of one graph search: ordinals and their scores, best first (higher score = closer),
 * and how many nodes were scored, for metrics and benchmarks. The arrays are owned by the caller.
 *
 * @param ordinals the nearest accepted ordinals, best first
 * @param scores {@code scores[i]} belongs to {@code ordinals[i]}
 * @param visited nodes scored during the search
 */
public record SearchResult(int[] ordinals, float[] scores, long visited) {
    public static final SearchResult EMPTY = new SearchResult(new int[0], new float[0], 0);

    public SearchResult {
        if (ordinals.length != scores.length) {
            throw new IllegalArgumentException(
                    "ordinals and scores differ in length: " + ordinals.length + " vs " + scores.length);
        }
    }

    /** The number of hits. */
    public int size() {
        return ordinals.length;
    }
}
