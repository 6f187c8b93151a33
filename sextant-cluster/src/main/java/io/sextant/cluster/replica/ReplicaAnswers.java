package io.sextant.cluster.replica;

import io.sextant.segment.PointId;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.shard.ScrollPage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Merges the answers of several replicas to one read (a {@link ReadConsistency} above one), as
 * Qdrant resolves them: a point is kept when at least {@code threshold} answers hold it with the
 * same content (a search hit: same score and payload; a record: same payload), in the order of the
 * first answer that holds it (hits then sorted by score again, {@link #hits}); a count is the smallest one (every answer must agree) or, for a
 * majority, the median. Stateless.
 */
final class ReplicaAnswers {
    private ReplicaAnswers() {}

    /**
     * Hits resolved as described above, then in score order again: the answers arrive in any order,
     * and a hit one answer lacks would otherwise come after the hits of the answer read first whatever
     * its score (the shard-level merge expects each shard's hits in order). The direction is the
     * answers' own (best first: descending for similarities, ascending for distances); the sort is
     * stable, so equal scores keep the first answer's order.
     */
    static List<ScoredPoint> hits(List<List<ScoredPoint>> answers, int threshold) {
        List<ScoredPoint> kept = new ArrayList<>(keep(
                answers,
                threshold,
                ScoredPoint::id,
                (a, b) -> Float.compare(a.score(), b.score()) == 0 && Objects.equals(a.payload(), b.payload())));
        Boolean descending = direction(answers);
        if (descending != null) {
            Comparator<ScoredPoint> byScore = Comparator.comparingDouble(ScoredPoint::score);
            kept.sort(descending ? byScore.reversed() : byScore);
        }
        return kept;
    }

    /** Whether the answers list the highest score first (null when no answer shows a direction). */
    private static Boolean direction(List<List<ScoredPoint>> answers) {
        for (List<ScoredPoint> a : answers) {
            if (a.size() >= 2) {
                int c = Float.compare(a.getFirst().score(), a.getLast().score());
                if (c != 0) {
                    return c > 0;
                }
            }
        }
        return null;
    }

    static List<PointRecord> records(List<List<PointRecord>> answers, int threshold) {
        return keep(answers, threshold, PointRecord::id, (a, b) -> Objects.equals(a.payload(), b.payload()));
    }

    /** Records resolved as {@link #records}; the next offset is the first answer's. */
    static ScrollPage pages(List<ScrollPage> answers, int threshold) {
        List<List<PointRecord>> points = new ArrayList<>(answers.size());
        answers.forEach(p -> points.add(p.points()));
        return new ScrollPage(records(points, threshold), answers.getFirst().nextOffset());
    }

    static long count(List<Long> answers, boolean majority) {
        List<Long> sorted = answers.stream().sorted().toList();
        return majority ? sorted.get(sorted.size() / 2) : sorted.getFirst();
    }

    private static <P> List<P> keep(
            List<List<P>> answers, int threshold, Function<P, PointId> id, BiPredicate<P, P> same) {
        if (answers.size() == 1) {
            return answers.getFirst();
        }
        Map<PointId, List<P>> variants = new HashMap<>();
        Map<PointId, List<Integer>> votes = new HashMap<>();
        LinkedHashMap<PointId, P> order = new LinkedHashMap<>();
        for (List<P> answer : answers) {
            for (P p : answer) {
                PointId key = id.apply(p);
                List<P> seen = variants.computeIfAbsent(key, k -> new ArrayList<>());
                List<Integer> count = votes.computeIfAbsent(key, k -> new ArrayList<>());
                int i = 0;
                while (i < seen.size() && !same.test(seen.get(i), p)) {
                    i++;
                }
                if (i == seen.size()) {
                    seen.add(p);
                    count.add(0);
                }
                count.set(i, count.get(i) + 1);
                order.putIfAbsent(key, p);
            }
        }
        List<P> kept = new ArrayList<>();
        for (PointId key : order.keySet()) {
            List<Integer> count = votes.get(key);
            for (int i = 0; i < count.size(); i++) {
                if (count.get(i) >= threshold) {
                    kept.add(variants.get(key).get(i));
                    break;
                }
            }
        }
        return kept;
    }
}
