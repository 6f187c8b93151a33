package io.sextant.segment.filter;

import java.util.List;

/**
 * A boolean filter over points, mirroring Qdrant's {@code Filter}: a point matches when every
 * {@code must} condition holds, at least one {@code should} condition holds (if any are given),
 * no {@code mustNot} condition holds, and at least {@code minShould.minCount} of the {@code
 * minShould} conditions hold (if given). Immutable; lists are never null.
 */
public record Filter(List<Condition> must, List<Condition> should, List<Condition> mustNot, MinShould minShould) {

    /** The filter that matches every point. */
    public static final Filter ALL = new Filter(List.of(), List.of(), List.of(), null);

    public Filter {
        must = must == null ? List.of() : List.copyOf(must);
        should = should == null ? List.of() : List.copyOf(should);
        mustNot = mustNot == null ? List.of() : List.copyOf(mustNot);
    }

    public static Filter must(Condition... conditions) {
        return new Filter(List.of(conditions), null, null, null);
    }

    /** Whether this filter has no conditions at all (and so matches everything). */
    public boolean isEmpty() {
        return must.isEmpty() && should.isEmpty() && mustNot.isEmpty() && minShould == null;
    }

    /** {@code min_should}: at least {@code minCount} of {@code conditions} must hold. */
    public record MinShould(List<Condition> conditions, int minCount) {
        public MinShould {
            conditions = List.copyOf(conditions);
            if (minCount < 0) {
                throw new IllegalArgumentException("min_count must be >= 0, got " + minCount);
            }
        }
    }
}
