package io.sextant.collection.facet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.query.PointRecord;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Facet counting over a fake scroll: per-point distinct values, typed as the index, Qdrant's order. */
class FacetCounterTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** A scroll over the payloads, in pages of two, to exercise paging. */
    private static Function<ScrollRequest, ScrollPage> scroll(String... payloads) {
        List<PointRecord> all = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            try {
                all.add(new PointRecord(
                        PointId.of(i), (ObjectNode) M.readTree(payloads[i].replace('\'', '"')), null, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return r -> {
            int from = r.offset() == null ? 0 : Integer.parseInt(r.offset().toString());
            int to = Math.min(all.size(), from + 2);
            return new ScrollPage(all.subList(from, to), to < all.size() ? PointId.of(to) : null);
        };
    }

    private static List<FacetHit> facet(PayloadSchemaType type, int limit, String... payloads) {
        return FacetCounter.count(new FacetRequest("k", null, limit, true), type, scroll(payloads));
    }

    @Test
    void keywordCountsPointsNotOccurrencesOrderedByCountThenValue() {
        List<FacetHit> hits = facet(
                PayloadSchemaType.KEYWORD,
                10,
                "{'k': ['b', 'b', 'a']}",
                "{'k': 'c'}",
                "{'k': ['c', 'a']}",
                "{'k': 'b'}",
                "{'k': 5}",
                "{}");
        assertThat(hits).containsExactly(new FacetHit("a", 2), new FacetHit("b", 2), new FacetHit("c", 2));
        assertThat(facet(PayloadSchemaType.KEYWORD, 2, "{'k': 'z'}", "{'k': 'z'}", "{'k': 'y'}", "{'k': 'x'}"))
                .containsExactly(new FacetHit("z", 2), new FacetHit("x", 1));
    }

    @Test
    void integersBoolsAndUuids() {
        assertThat(facet(PayloadSchemaType.INTEGER, 10, "{'k': 3}", "{'k': [3, 1]}", "{'k': 'x'}", "{'k': 2.0}"))
                .containsExactly(new FacetHit(3L, 2), new FacetHit(1L, 1), new FacetHit(2L, 1));
        assertThat(facet(
                        PayloadSchemaType.BOOL,
                        10,
                        "{'k': true}",
                        "{'k': false}",
                        "{'k': true}",
                        "{'k': [true, false]}"))
                .containsExactly(new FacetHit(true, 3), new FacetHit(false, 2));
        assertThat(facet(
                        PayloadSchemaType.UUID,
                        10,
                        "{'k': 'A64A8051-3EE7-4881-8BC6-691D25C70D54'}",
                        "{'k': '2b016c50-282c-4d80-b784-cefead291180'}",
                        "{'k': 'not-a-uuid'}"))
                .containsExactly(
                        new FacetHit("2b016c50-282c-4d80-b784-cefead291180", 1),
                        new FacetHit("a64a8051-3ee7-4881-8bc6-691d25c70d54", 1));
    }

    @Test
    void fieldsWithoutASuitableIndexAreRejected() {
        for (PayloadSchemaType t : new PayloadSchemaType[] {null, PayloadSchemaType.FLOAT, PayloadSchemaType.TEXT}) {
            assertThatThrownBy(() -> facet(t, 10, "{'k': 1}"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("No appropriate index for faceting: `k`");
        }
        assertThatThrownBy(() -> new FacetRequest("k", null, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
