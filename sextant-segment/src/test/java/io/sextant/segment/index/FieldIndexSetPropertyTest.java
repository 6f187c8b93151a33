package io.sextant.segment.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.filter.RandomFilters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.roaringbitmap.RoaringBitmap;

/**
 * Indexed filtering ({@link FieldIndexSet#compile}) must give exactly the results of unindexed
 * evaluation: random payloads (including values of the wrong type for an index created on
 * existing data), random indexes, updates and deletions, random filters.
 */
class FieldIndexSetPropertyTest {
    static final PayloadSchemaType[] A_TYPES = {
        PayloadSchemaType.KEYWORD, PayloadSchemaType.INTEGER, PayloadSchemaType.FLOAT, PayloadSchemaType.BOOL
    };

    record View(int offset, ObjectNode payload) implements PointView {
        @Override
        public PointId id() {
            return PointId.of(offset); // one live offset per id, as in a segment
        }

        @Override
        public boolean hasVector(String name) {
            return false;
        }
    }

    @Property(tries = 30)
    void indexedEqualsUnindexed(@ForAll long seed) {
        RandomFilters gen = new RandomFilters(seed, true);
        Random r = gen.random();
        int n = 50 + r.nextInt(150);
        List<ObjectNode> payloads = new ArrayList<>();
        boolean[] live = new boolean[n];
        for (int i = 0; i < n; i++) {
            payloads.add(gen.payload());
            live[i] = r.nextInt(8) > 0;
        }
        FieldIndexSet indexed = new FieldIndexSet();
        indexed.create("a", PayloadIndexSpec.of(A_TYPES[r.nextInt(A_TYPES.length)]), n, payloads::get);
        indexed.create(
                "b",
                PayloadIndexSpec.of(r.nextBoolean() ? PayloadSchemaType.INTEGER : PayloadSchemaType.FLOAT),
                n,
                payloads::get);
        indexed.create(
                "c",
                PayloadIndexSpec.of(r.nextBoolean() ? PayloadSchemaType.KEYWORD : PayloadSchemaType.BOOL),
                n,
                payloads::get);
        indexed.create("d", PayloadIndexSpec.of(PayloadSchemaType.DATETIME), n, payloads::get);
        indexed.create("g", PayloadIndexSpec.of(PayloadSchemaType.GEO), n, payloads::get);
        indexed.create("u", PayloadIndexSpec.of(PayloadSchemaType.UUID), n, payloads::get);
        // Updates after creation: new payloads, deletions (null), resurrections.
        for (int k = 0; k < n / 3; k++) {
            int o = r.nextInt(n);
            ObjectNode p = r.nextInt(5) == 0 ? null : gen.payload();
            payloads.set(o, p);
            indexed.update(o, p);
            live[o] = p != null || r.nextBoolean();
        }
        FieldIndexSet unindexed = new FieldIndexSet();
        for (int round = 0; round < 20; round++) {
            Filter f = gen.filter();
            OffsetFilter fi = indexed.compile(f, o -> new View(o, payloads.get(o)), o -> live[o], n);
            OffsetFilter fu = unindexed.compile(f, o -> new View(o, payloads.get(o)), o -> live[o], n);
            RoaringBitmap expected = new RoaringBitmap();
            for (int o = 0; o < n; o++) {
                if (!live[o]) {
                    continue;
                }
                boolean truth = FilterEvaluator.matches(f, new View(o, payloads.get(o)));
                if (truth) {
                    expected.add(o);
                }
                String why = "seed " + seed + ", offset " + o + ", payload " + payloads.get(o) + ", filter " + f;
                assertThat(fi.test(o)).as("indexed " + why).isEqualTo(truth);
                assertThat(fu.test(o)).as("unindexed " + why).isEqualTo(truth);
            }
            for (OffsetFilter of : List.of(fi, fu)) {
                if (of.exactOrNull() != null) {
                    assertThat(of.exactOrNull())
                            .as("exact, seed %d, filter %s", seed, f)
                            .isEqualTo(expected);
                }
                assertThat(of.estimate())
                        .as("estimate is an upper bound, seed %d, filter %s", seed, f)
                        .isGreaterThanOrEqualTo(expected.getLongCardinality());
            }
        }
    }
}
