package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
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
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalShardTest {
    @TempDir
    Path tmp;

    @Test
    void updateAllAppliesInOrderWithOneFsyncAndKeepsThePrefixOfAFailedBatch() {
        Random r = new Random(2);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            long fsyncs = shard.stats().walFsync().count();
            List<PointOperation> ops = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ops.add(ShardFixtures.upsert(r, 4, i * 5L, i * 5L + 5));
            }
            ops.add(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(3), PointId.of(99)))));
            UpdateResult last = shard.updateAll(ops, true);
            assertThat(last.operationId()).isEqualTo(21);
            assertThat(shard.lastOperationId()).isEqualTo(21);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(98);
            assertThat(shard.stats().walFsync().count() - fsyncs)
                    .as("one fsync for the batch")
                    .isEqualTo(1);

            List<PointOperation> bad = List.of(
                    ShardFixtures.upsert(r, 4, 200, 201),
                    ShardFixtures.upsert(r, 3, 300, 301), // wrong dimension: refused, nothing logged
                    ShardFixtures.upsert(r, 4, 400, 401));
            assertThatThrownBy(() -> shard.updateAll(bad, true)).isInstanceOf(UserException.class);
            assertThat(shard.lastOperationId())
                    .as("the one before the bad write is kept")
                    .isEqualTo(22);
            assertThat(shard.retrieve(
                            List.of(PointId.of(200), PointId.of(400)), PayloadSelector.NONE, VectorSelector.NONE))
                    .extracting(PointRecord::id)
                    .containsExactly(PointId.of(200));
        }
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            assertThat(shard.lastOperationId())
                    .as("numbering survives a reopen")
                    .isEqualTo(22);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(99);
        }
    }

    @Test
    void upsertSearchRetrieveAndReopen() {
        Random r = new Random(1);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            UpdateResult res = shard.update(ShardFixtures.upsert(r, 4, 0, 50), true);
            assertThat(res.operationId()).isEqualTo(1);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(50);
            List<ScoredPoint> hits = shard.search(new CoreSearch(
                    "",
                    new float[] {1, 0, 0, 0},
                    Filter.ALL,
                    5,
                    0,
                    null,
                    null,
                    PayloadSelector.ALL,
                    VectorSelector.NONE));
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).payload().get("n")).isNotNull();
        }
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(50);
            List<PointRecord> recs = shard.retrieve(List.of(PointId.of(7)), PayloadSelector.ALL, VectorSelector.ALL);
            assertThat(recs).hasSize(1);
            assertThat(recs.get(0).vectors().get("")).hasSize(4);
            assertThat(shard.update(ShardFixtures.upsert(r, 4, 50, 51), true).operationId())
                    .isEqualTo(2);
        }
    }

    @Test
    void invalidInputWritesNothing() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            var bad = new PointOperation.Upsert(
                    List.of(new PointOperation.PointStruct(PointId.of(1), Map.of("", new float[] {1, 2, 3}), null)));
            assertThatThrownBy(() -> shard.update(bad, true))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("expected dim: 4, got 3");
            var nan = new PointOperation.Upsert(List.of(
                    new PointOperation.PointStruct(PointId.of(1), Map.of("", new float[] {1, 2, Float.NaN, 0}), null)));
            assertThatThrownBy(() -> shard.update(nan, true)).isInstanceOf(UserException.class);
            var unknown = new PointOperation.Upsert(List.of(
                    new PointOperation.PointStruct(PointId.of(1), Map.of("img", new float[] {1, 2, 3, 4}), null)));
            assertThatThrownBy(() -> shard.update(unknown, true)).hasMessageContaining("img");
            var missing = new PointOperation.UpdateVectors(
                    List.of(new PointOperation.PointVectors(PointId.of(9), Map.of("", new float[] {1, 2, 3, 4}))));
            assertThatThrownBy(() -> shard.update(missing, true))
                    .isInstanceOfSatisfying(
                            UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND));
            assertThat(shard.count(Filter.ALL, true)).isZero();
            assertThat(shard.update(ShardFixtures.upsert(new Random(2), 4, 0, 1), true)
                            .operationId())
                    .isEqualTo(1);
        }
    }

    @Test
    void payloadOpsDeleteByFilterAndScroll() {
        Random r = new Random(3);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.EUCLID))) {
            shard.update(ShardFixtures.upsert(r, 4, 0, 20), true);
            Filter even = Filter.must(new Condition.MatchCondition("parity", new Match.Value("even")));
            assertThat(shard.count(even, true)).isEqualTo(10);
            shard.update(new PointOperation.Delete(new PointsSelector.ByFilter(even)), true);
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(10);
            ScrollPage page = shard.scroll(
                    new ScrollRequest(Filter.ALL, 4, PointId.of(4), null, PayloadSelector.NONE, VectorSelector.NONE));
            assertThat(page.points())
                    .extracting(PointRecord::id)
                    .containsExactly(PointId.of(5), PointId.of(7), PointId.of(9), PointId.of(11));
            assertThat(page.nextOffset()).isEqualTo(PointId.of(13));
            shard.update(new PointOperation.ClearPayload(new PointsSelector.Ids(List.of(PointId.of(5)))), true);
            assertThat(shard.retrieve(List.of(PointId.of(5)), PayloadSelector.ALL, VectorSelector.NONE)
                            .get(0)
                            .payload())
                    .isEmpty();
        }
    }

    @Test
    void approximateCountOfASmallShardIsExact() {
        Random r = new Random(3);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            shard.update(ShardFixtures.upsert(r, 4, 0, 50), true);
            Filter one = Filter.must(new Condition.HasIdCondition(java.util.Set.of(PointId.of(3), PointId.of(4))));
            assertThat(shard.count(one, false)).isEqualTo(2);
            // an unindexed payload condition: the planner alone would answer every point
            long exact = shard.count(Filter.must(new Condition.MatchCondition("n", new Match.Value(7L))), true);
            assertThat(shard.count(Filter.must(new Condition.MatchCondition("n", new Match.Value(7L))), false))
                    .isEqualTo(exact)
                    .isLessThan(50);
        }
    }
}
