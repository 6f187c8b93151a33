package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparse vectors through a shard: every read equals a brute-force model while points are upserted,
 * updated, moved by payload changes, deleted, converted to immutable segments, merged, and the shard
 * reopened (WAL replay and segment files).
 */
class SparseShardTest {
    @TempDir
    Path tmp;

    private static ShardConfig config() {
        return new ShardConfig(
                Map.of("dense", new VectorSpec(2, Distance.DOT, false)),
                Map.of("text", new SparseVectorSpec(50, false, null, false)),
                // 1 KB indexing threshold: segments convert and merge all the time
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    private static SparseVector randomSparse(Random r) {
        int n = 1 + r.nextInt(6);
        int[] ids = new int[n];
        float[] vals = new float[n];
        for (int i = 0; i < n; i++) {
            // a few dimensions above 2^31 so unsigned order matters
            ids[i] = r.nextInt(5) == 0 ? Integer.MIN_VALUE + r.nextInt(20) : r.nextInt(40);
            vals[i] = r.nextFloat() * 2 - 0.5f;
        }
        Map<Integer, Float> unique = new HashMap<>();
        for (int i = 0; i < n; i++) {
            unique.put(ids[i], vals[i]);
        }
        int[] u = unique.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] v = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            v[i] = unique.get(u[i]);
        }
        return SparseVector.of(u, v);
    }

    private static ObjectNode payload(long id) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("group", "g" + (id % 3));
        return p;
    }

    private static CoreSearch search(SparseVector q, Filter f, int limit, boolean exact) {
        return new CoreSearch(
                "text",
                null,
                f,
                limit,
                0,
                null,
                new SearchParams(null, exact, false),
                PayloadSelector.NONE,
                VectorSelector.NONE,
                q);
    }

    /** The expected hits: points sharing a dimension with q, by dot product, ties by id. */
    private static List<Map.Entry<Long, Float>> expected(Map<Long, SparseVector> model, SparseVector q, int limit) {
        List<Map.Entry<Long, Float>> all = new ArrayList<>();
        model.forEach((id, v) -> {
            if (v.overlaps(q)) {
                all.add(Map.entry(id, v.dot(q)));
            }
        });
        all.sort(Comparator.<Map.Entry<Long, Float>>comparingDouble(e -> -e.getValue())
                .thenComparing(Map.Entry::getKey));
        return all.subList(0, Math.min(limit, all.size()));
    }

    private static void assertSearchMatches(LocalShard shard, Map<Long, SparseVector> model, Random r) {
        for (int i = 0; i < 5; i++) {
            SparseVector q = randomSparse(r);
            for (boolean exact : new boolean[] {false, true}) {
                List<ScoredPoint> hits = shard.search(search(q, Filter.ALL, 10, exact));
                List<Map.Entry<Long, Float>> want = expected(model, q, 10);
                assertThat(hits).hasSameSizeAs(want);
                for (int j = 0; j < hits.size(); j++) {
                    assertThat(hits.get(j).score())
                            .isCloseTo(want.get(j).getValue(), org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void everyReadMatchesTheModelThroughUpdatesOptimizationsAndReopen() {
        Random r = new Random(20261205);
        Map<Long, SparseVector> model = new HashMap<>();
        Path dir = tmp.resolve("s");
        for (int round = 0; round < 3; round++) {
            try (LocalShard shard = LocalShard.open(dir, config())) {
                assertSearchMatches(shard, model, r);
                for (int step = 0; step < 40; step++) {
                    long id = r.nextInt(60);
                    switch (r.nextInt(5)) {
                        case 0, 1 -> {
                            SparseVector v = randomSparse(r);
                            shard.update(
                                    new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                            PointId.of(id),
                                            Map.of("dense", new float[] {1, 0}),
                                            Map.of("text", v),
                                            payload(id)))),
                                    true);
                            model.put(id, v);
                        }
                        case 2 -> {
                            if (model.containsKey(id)) {
                                SparseVector v = randomSparse(r);
                                shard.update(
                                        new PointOperation.UpdateVectors(List.of(new PointOperation.PointVectors(
                                                PointId.of(id), Map.of(), Map.of("text", v)))),
                                        true);
                                model.put(id, v);
                            }
                        }
                        case 3 -> { // moves the point out of an immutable segment: its sparse vector must move too
                            shard.update(
                                    new PointOperation.SetPayload(
                                            payload(id + 1), new PointsSelector.Ids(List.of(PointId.of(id))), null),
                                    true);
                        }
                        default -> {
                            shard.update(
                                    new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id)))), true);
                            model.remove(id);
                        }
                    }
                    if (step % 10 == 9) {
                        shard.optimizeNow();
                    }
                }
                assertSearchMatches(shard, model, r);
                for (Map.Entry<Long, SparseVector> e : model.entrySet()) {
                    List<PointRecord> recs =
                            shard.retrieve(List.of(PointId.of(e.getKey())), PayloadSelector.NONE, VectorSelector.ALL);
                    assertThat(recs).hasSize(1);
                    assertThat(recs.get(0).sparseVectors()).containsEntry("text", e.getValue());
                    assertThat(recs.get(0).vectors()).containsKey("dense");
                }
            }
        }
    }

    @Test
    void deleteVectorsRemovesOnlyTheNamedSparseVector() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config())) {
            SparseVector v = SparseVector.of(new int[] {1, 2}, new float[] {1, 1});
            shard.update(
                    new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                            PointId.of(1), Map.of("dense", new float[] {1, 0}), Map.of("text", v), null))),
                    true);
            shard.optimizeNow(); // the point now lives in an immutable segment
            shard.update(
                    new PointOperation.DeleteVectors(new PointsSelector.Ids(List.of(PointId.of(1))), List.of("text")),
                    true);
            PointRecord rec = shard.retrieve(List.of(PointId.of(1)), PayloadSelector.NONE, VectorSelector.ALL)
                    .get(0);
            assertThat(rec.sparseVectors()).isEmpty();
            assertThat(rec.vectors()).containsKey("dense");
            assertThat(shard.search(search(v, Filter.ALL, 10, false))).isEmpty();
        }
    }

    @Test
    void filteredSearchBelowAndAboveTheFullScanThresholdAgree() {
        Random r = new Random(7);
        Map<Long, SparseVector> model = new HashMap<>();
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config())) {
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (long id = 0; id < 200; id++) {
                SparseVector v = randomSparse(r);
                model.put(id, v);
                pts.add(new PointOperation.PointStruct(PointId.of(id), Map.of(), Map.of("text", v), payload(id)));
            }
            shard.update(new PointOperation.Upsert(pts), true);
            shard.optimizeNow();
            Filter group0 = Filter.must(new Condition.MatchCondition("group", new Match.Value("g0")));
            Map<Long, SparseVector> matching = new HashMap<>();
            model.forEach((id, v) -> {
                if (id % 3 == 0) {
                    matching.put(id, v);
                }
            });
            SparseVector q = randomSparse(r);
            List<Map.Entry<Long, Float>> want = expected(matching, q, 7);
            for (boolean exact : new boolean[] {false, true}) {
                List<ScoredPoint> hits = shard.search(search(q, group0, 7, exact));
                assertThat(hits.stream()
                                .map(h -> ((PointId.Num) h.id()).value())
                                .toList())
                        .containsExactlyElementsOf(
                                want.stream().map(Map.Entry::getKey).toList());
            }
        }
    }

    @Test
    void statsCountPointsWithTheVectorAndEachDimension() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config())) {
            shard.update(
                    new PointOperation.Upsert(List.of(
                            new PointOperation.PointStruct(
                                    PointId.of(1),
                                    Map.of(),
                                    Map.of("text", SparseVector.of(new int[] {1, 2}, new float[] {1, 1})),
                                    payload(0)),
                            new PointOperation.PointStruct(
                                    PointId.of(2),
                                    Map.of(),
                                    Map.of("text", SparseVector.of(new int[] {2}, new float[] {1})),
                                    payload(1)),
                            new PointOperation.PointStruct(PointId.of(3), Map.of("dense", new float[] {1, 1}), null))),
                    true);
            SparseStats all = shard.sparseStats("text", new int[] {1, 2, 3}, null);
            assertThat(all.vectorCount()).isEqualTo(2);
            assertThat(all.docFrequencies()).containsExactly(1, 2, 0);
            Filter group1 = Filter.must(new Condition.MatchCondition("group", new Match.Value("g1")));
            SparseStats corpus = shard.sparseStats("text", new int[] {1, 2, 3}, group1);
            assertThat(corpus.vectorCount()).isEqualTo(1);
            assertThat(corpus.docFrequencies()).containsExactly(0, 1, 0);
            // the same from an immutable segment's index, then with a deleted point in it: dense-only
            // fillers push the write target past the 1 KB indexing threshold so that it converts
            List<PointOperation.PointStruct> fillers = new ArrayList<>();
            for (long id = 100; id < 300; id++) {
                fillers.add(new PointOperation.PointStruct(PointId.of(id), Map.of("dense", new float[] {1, 1}), null));
            }
            shard.update(new PointOperation.Upsert(fillers), true);
            shard.optimizeNow();
            assertThat(shard.info().segmentsCount()).isGreaterThan(1);
            SparseStats indexed = shard.sparseStats("text", new int[] {1, 2, 3}, null);
            assertThat(indexed.vectorCount()).isEqualTo(2);
            assertThat(indexed.docFrequencies()).containsExactly(1, 2, 0);
            shard.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(2)))), true);
            SparseStats afterDelete = shard.sparseStats("text", new int[] {1, 2, 3}, null);
            assertThat(afterDelete.vectorCount()).isEqualTo(1);
            assertThat(afterDelete.docFrequencies()).containsExactly(1, 1, 0);
        }
    }

    @Test
    void unknownSparseNameIsRejectedBeforeTheWal() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config())) {
            var bad = new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                    PointId.of(1), Map.of(), Map.of("nope", SparseVector.of(new int[] {1}, new float[] {1})), null)));
            assertThatThrownBy(() -> shard.update(bad, true))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("nope");
            assertThat(shard.count(Filter.ALL, true)).isZero();
        }
    }
}
