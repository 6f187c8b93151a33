package io.sextant.segment.index;

import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.index.FieldIndexSet.IndexAnswer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Turns a {@link Filter} plus index answers into an {@link OffsetFilter} tree. Nodes whose result
 * is known from indexes become exact bitmaps of live offsets; {@code must} groups with an exact
 * part of at most {@link #EVAL_THRESHOLD} offsets evaluate their other conditions on those
 * offsets right away and become exact too; everything else is tested per offset on {@link
 * PointView}. Estimates are upper bounds. One compiler per {@code compile} call; not thread-safe,
 * the nodes it returns are immutable.
 */
final class OffsetFilterCompiler {
    /** Largest candidate set on which residual conditions are evaluated during compilation. */
    static final int EVAL_THRESHOLD = 2048;

    private final Map<Condition, IndexAnswer> answers;
    private final IntFunction<PointView> pointAt;
    private final IntPredicate isLive;
    private final int limit;
    private RoaringBitmap live;

    OffsetFilterCompiler(
            Map<Condition, IndexAnswer> answers, IntFunction<PointView> pointAt, IntPredicate isLive, int limit) {
        this.answers = answers;
        this.pointAt = pointAt;
        this.isLive = isLive;
        this.limit = Math.max(0, limit);
    }

    OffsetFilter compile(Filter filter) {
        return filterNode(filter);
    }

    private Node filterNode(Filter f) {
        List<Node> parts = new ArrayList<>();
        for (Condition c : f.must()) {
            parts.add(conditionNode(c));
        }
        if (!f.should().isEmpty()) {
            parts.add(or(f.should().stream().map(this::conditionNode).toList()));
        }
        for (Condition c : f.mustNot()) {
            parts.add(not(conditionNode(c)));
        }
        Filter.MinShould ms = f.minShould();
        if (ms != null && !ms.conditions().isEmpty() && ms.minCount() > 0) {
            parts.add(atLeast(ms.conditions().stream().map(this::conditionNode).toList(), ms.minCount()));
        }
        return parts.isEmpty() ? new Exact(live()) : and(parts);
    }

    private Node conditionNode(Condition c) {
        if (c instanceof Condition.FilterCondition fc) {
            return filterNode(fc.filter());
        }
        IndexAnswer a = answers.get(c);
        if (a != null && a.matched() != null) {
            RoaringBitmap exact = a.matched().clone();
            if (!a.foreign().isEmpty()) {
                exact.andNot(a.foreign());
                a.foreign().forEach((int o) -> {
                    if (o < limit && isLive.test(o) && FilterEvaluator.check(c, pointAt.apply(o))) {
                        exact.add(o);
                    }
                });
            }
            return new Exact(liveOnly(exact));
        }
        long estimate = limit;
        if (c instanceof Condition.HasIdCondition h) {
            estimate = Math.min(limit, h.ids().size());
        } else if (c instanceof Condition.SliceCondition s) {
            estimate = Math.max(1, limit / s.total());
        } else if (a != null) {
            // Value conditions need a non-null value: at most the offsets with indexed or foreign values.
            estimate = Math.min(limit, a.withValues() + a.foreign().getLongCardinality());
        }
        return new Eval(c, pointAt, estimate);
    }

    private Node and(List<Node> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        RoaringBitmap exact = null;
        List<Node> rest = new ArrayList<>();
        for (Node n : parts) {
            if (n.exact() != null) {
                exact = exact == null ? n.exact().clone() : RoaringBitmap.and(exact, n.exact());
            } else {
                rest.add(n);
            }
        }
        if (exact != null && (rest.isEmpty() || exact.getCardinality() <= EVAL_THRESHOLD)) {
            RoaringBitmap result = new RoaringBitmap();
            exact.forEach((int o) -> {
                for (Node n : rest) {
                    if (!n.test(o)) {
                        return;
                    }
                }
                result.add(o);
            });
            return new Exact(result);
        }
        List<Node> ordered = new ArrayList<>();
        if (exact != null) {
            ordered.add(new Exact(exact));
        }
        rest.sort(Comparator.comparingLong(Node::estimate));
        ordered.addAll(rest);
        long estimate = ordered.stream().mapToLong(Node::estimate).min().orElse(limit);
        return new And(ordered.toArray(Node[]::new), estimate);
    }

    private Node or(List<Node> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        if (parts.stream().allMatch(n -> n.exact() != null)) {
            return new Exact(
                    ValueFieldIndex.union(parts.stream().map(Node::exact).toList()));
        }
        long sum = 0;
        for (Node n : parts) {
            sum = Math.min(limit, sum + n.estimate());
        }
        return new Or(parts.toArray(Node[]::new), sum);
    }

    private Node not(Node child) {
        if (child.exact() != null) {
            return new Exact(RoaringBitmap.andNot(live(), child.exact()));
        }
        return new Not(child, limit);
    }

    private Node atLeast(List<Node> parts, int k) {
        if (k > parts.size()) {
            return new Exact(new RoaringBitmap());
        }
        if (k == 1) {
            return or(parts);
        }
        if (parts.stream().allMatch(n -> n.exact() != null)) {
            RoaringBitmap union =
                    ValueFieldIndex.union(parts.stream().map(Node::exact).toList());
            RoaringBitmap result = new RoaringBitmap();
            union.forEach((int o) -> {
                int count = 0;
                for (Node n : parts) {
                    if (n.exact().contains(o) && ++count >= k) {
                        result.add(o);
                        return;
                    }
                }
            });
            return new Exact(result);
        }
        long sum = 0;
        for (Node n : parts) {
            sum += n.estimate();
        }
        return new AtLeast(parts.toArray(Node[]::new), k, Math.min(limit, sum / k));
    }

    /** The live offsets in [0, limit), computed once per compilation. */
    private RoaringBitmap live() {
        if (live == null) {
            RoaringBitmap bm = new RoaringBitmap();
            for (int o = 0; o < limit; o++) {
                if (isLive.test(o)) {
                    bm.add(o);
                }
            }
            live = bm;
        }
        return live;
    }

    private RoaringBitmap liveOnly(RoaringBitmap candidates) {
        if (live != null) {
            return RoaringBitmap.and(candidates, live);
        }
        RoaringBitmap out = new RoaringBitmap();
        candidates.forEach((int o) -> {
            if (o < limit && isLive.test(o)) {
                out.add(o);
            }
        });
        return out;
    }

    /** A compiled filter node. */
    private interface Node extends OffsetFilter {
        /** The exact result, or null. */
        RoaringBitmap exact();

        @Override
        default RoaringBitmap exactOrNull() {
            return exact();
        }
    }

    private record Exact(RoaringBitmap exact) implements Node {
        @Override
        public boolean test(int offset) {
            return exact.contains(offset);
        }

        @Override
        public long estimate() {
            return exact.getLongCardinality();
        }
    }

    private record Eval(Condition condition, IntFunction<PointView> pointAt, long estimate) implements Node {
        @Override
        public boolean test(int offset) {
            return FilterEvaluator.check(condition, pointAt.apply(offset));
        }

        @Override
        public RoaringBitmap exact() {
            return null;
        }
    }

    private record And(Node[] children, long estimate) implements Node {
        @Override
        public boolean test(int offset) {
            for (Node n : children) {
                if (!n.test(offset)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public RoaringBitmap exact() {
            return null;
        }
    }

    private record Or(Node[] children, long estimate) implements Node {
        @Override
        public boolean test(int offset) {
            for (Node n : children) {
                if (n.test(offset)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public RoaringBitmap exact() {
            return null;
        }
    }

    private record Not(Node child, long estimate) implements Node {
        @Override
        public boolean test(int offset) {
            return !child.test(offset);
        }

        @Override
        public RoaringBitmap exact() {
            return null;
        }
    }

    private record AtLeast(Node[] children, int k, long estimate) implements Node {
        @Override
        public boolean test(int offset) {
            int count = 0;
            for (Node n : children) {
                if (n.test(offset) && ++count >= k) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public RoaringBitmap exact() {
            return null;
        }
    }
}
