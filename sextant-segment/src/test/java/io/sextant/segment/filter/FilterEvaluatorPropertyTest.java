package io.sextant.segment.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * FilterEvaluator against a deliberately naive reference evaluator written from Qdrant's
 * documentation, on random payloads and filters (top-level keys and one nested array).
 */
class FilterEvaluatorPropertyTest {

    record View(long num, ObjectNode payload) implements PointView {
        @Override
        public PointId id() {
            return PointId.of(num);
        }

        @Override
        public boolean hasVector(String name) {
            return false;
        }
    }

    @Property(tries = 300)
    void agreesWithReference(@ForAll long seed) {
        RandomFilters gen = new RandomFilters(seed, false);
        for (int round = 0; round < 20; round++) {
            Filter f = gen.filter();
            for (int i = 0; i < 10; i++) {
                View v = new View(gen.random().nextInt(10), gen.payload());
                assertThat(FilterEvaluator.matches(f, v))
                        .as("seed %d, filter %s, payload %s", seed, f, v.payload())
                        .isEqualTo(Reference.matches(f, v.num(), v.payload()));
            }
        }
    }

    /** The reference: top-level keys only, written independently of the production code. */
    static final class Reference {
        static boolean matches(Filter f, long id, ObjectNode p) {
            for (Condition c : f.must()) {
                if (!holds(c, id, p)) {
                    return false;
                }
            }
            for (Condition c : f.mustNot()) {
                if (holds(c, id, p)) {
                    return false;
                }
            }
            if (!f.should().isEmpty()) {
                boolean any = false;
                for (Condition c : f.should()) {
                    any |= holds(c, id, p);
                }
                if (!any) {
                    return false;
                }
            }
            if (f.minShould() != null && !f.minShould().conditions().isEmpty()) {
                int n = 0;
                for (Condition c : f.minShould().conditions()) {
                    n += holds(c, id, p) ? 1 : 0;
                }
                return n >= f.minShould().minCount();
            }
            return true;
        }

        static List<JsonNode> vals(ObjectNode p, String key) {
            List<JsonNode> out = new ArrayList<>();
            JsonNode raw = p == null ? null : p.get(key);
            if (raw == null) {
                return out;
            }
            if (raw.isArray()) {
                raw.forEach(out::add);
            } else {
                out.add(raw);
            }
            return out;
        }

        static boolean same(JsonNode v, Object t) {
            if (t instanceof String s) {
                return v.isTextual() && v.asText().equals(s);
            }
            if (t instanceof Boolean b) {
                return v.isBoolean() && v.asBoolean() == b;
            }
            long l = (Long) t;
            return v.isNumber() && v.asDouble() == (double) l;
        }

        static boolean holds(Condition c, long id, ObjectNode p) {
            switch (c) {
                case Condition.MatchCondition m -> {
                    for (JsonNode v : vals(p, m.key())) {
                        boolean ok =
                                switch (m.match()) {
                                    case Match.Value mv -> same(v, mv.value());
                                    case Match.Any ma -> ma.values().stream().anyMatch(t -> same(v, t));
                                    case Match.Except me ->
                                        !v.isNull() && me.values().stream().noneMatch(t -> same(v, t));
                                    default -> throw new IllegalStateException();
                                };
                        if (ok) {
                            return true;
                        }
                    }
                    return false;
                }
                case Condition.RangeCondition rc -> {
                    for (JsonNode v : vals(p, rc.key())) {
                        if (v.isNumber()) {
                            double x = v.asDouble();
                            if ((rc.gt() == null || x > rc.gt())
                                    && (rc.gte() == null || x >= rc.gte())
                                    && (rc.lt() == null || x < rc.lt())
                                    && (rc.lte() == null || x <= rc.lte())) {
                                return true;
                            }
                        }
                    }
                    return false;
                }
                case Condition.ValuesCountCondition vc -> {
                    long n = vals(p, vc.key()).stream().filter(v -> !v.isNull()).count();
                    return (vc.gt() == null || n > vc.gt())
                            && (vc.gte() == null || n >= vc.gte())
                            && (vc.lt() == null || n < vc.lt())
                            && (vc.lte() == null || n <= vc.lte());
                }
                case Condition.IsEmptyCondition e -> {
                    JsonNode raw = p == null ? null : p.get(e.key());
                    return raw == null || raw.isNull() || (raw.isArray() && raw.isEmpty());
                }
                case Condition.IsNullCondition n -> {
                    return vals(p, n.key()).stream().anyMatch(JsonNode::isNull);
                }
                case Condition.HasIdCondition h -> {
                    return h.ids().contains(PointId.of(id));
                }
                case Condition.NestedCondition n -> {
                    for (JsonNode e : vals(p, n.key())) {
                        if (e.isObject() && matches(n.filter(), id, (ObjectNode) e)) {
                            return true;
                        }
                    }
                    return false;
                }
                case Condition.FilterCondition fc -> {
                    return matches(fc.filter(), id, p);
                }
                default -> throw new IllegalStateException("not generated: " + c);
            }
        }
    }
}
