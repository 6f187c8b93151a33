package io.sextant.cluster.replica;

import io.sextant.segment.PointId;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.shard.ScrollPage;
import java.util.ArrayList;
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
 * first answer that holds it; a count is the smallest one (every answer must agree) or, for a
 * majority, the median. Stateless.
 */
final class ReplicaAnswers {
    private ReplicaAnswers() {}

    static List<ScoredPoint> hits(List<List<ScoredPoint>> answers, int threshold) {
        return keep(
                answers,
                threshold,
                ScoredPoint::id,
                (a, b) -> Float.compare(a.score(), b.score()) == 0 && Objects.equals(a.payload(), b.payload()));
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
