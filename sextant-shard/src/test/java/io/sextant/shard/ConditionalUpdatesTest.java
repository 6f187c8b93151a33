package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointOperation.PointStruct;
import io.sextant.segment.ops.PointOperation.UpdateMode;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.wal.OperationCodec;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update_mode} and {@code update_filter}: applied live and the same after a WAL replay. */
class ConditionalUpdatesTest {

    @TempDir
    Path tmp;

    static final ShardConfig CFG = ShardFixtures.config(2, Distance.DOT);

    static PointStruct point(long id, float x, long version) {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("version", version);
        return new PointStruct(PointId.of(id), Map.of("", new float[] {x, 0}), p);
    }

    static Filter versionBelow(double v) {
        return Filter.must(new Condition.RangeCondition("version", null, null, v, null, false));
    }

    /** Points 1 and 2 (version 5), then the conditional operations of the test. */
    static void writeAll(Shard shard) {
        shard.update(new PointOperation.Upsert(List.of(point(1, 1, 5), point(2, 1, 5))), true);
        // insert_only: 1 exists (unchanged), 3 is new
        shard.update(
                new PointOperation.Upsert(List.of(point(1, 9, 9), point(3, 3, 3)), UpdateMode.INSERT_ONLY, null), true);
        // update_only: 2 exists (replaced), 4 is missing (not created)
        shard.update(
                new PointOperation.Upsert(List.of(point(2, 7, 7), point(4, 4, 4)), UpdateMode.UPDATE_ONLY, null), true);
        // filter version < 4: point 1 (version 5) is kept as is; new point 5 is inserted regardless
        shard.update(
                new PointOperation.Upsert(List.of(point(1, 8, 8), point(5, 5, 5)), UpdateMode.UPSERT, versionBelow(4)),
                true);
        // filter version < 4 on vectors: point 3 (version 3) changes, point 1 (version 5) does not
        shard.update(
                new PointOperation.UpdateVectors(
                        List.of(
                                new PointOperation.PointVectors(PointId.of(1), Map.of("", new float[] {6, 6})),
                                new PointOperation.PointVectors(PointId.of(3), Map.of("", new float[] {6, 6}))),
                        versionBelow(4)),
                true);
    }

    static void assertOutcome(Shard shard) {
        Map<PointId, PointRecord> byId = new java.util.HashMap<>();
        for (PointRecord r : shard.retrieve(
                List.of(PointId.of(1), PointId.of(2), PointId.of(3), PointId.of(4), PointId.of(5)),
                PayloadSelector.ALL,
                VectorSelector.ALL)) {
            byId.put(r.id(), r);
        }
        assertThat(byId.keySet()).containsExactlyInAnyOrder(PointId.of(1), PointId.of(2), PointId.of(3), PointId.of(5));
        assertThat(byId.get(PointId.of(1)).payload().get("version").asLong()).isEqualTo(5);
        assertThat(byId.get(PointId.of(1)).vectors().get("")).containsExactly(1f, 0f);
        assertThat(byId.get(PointId.of(2)).payload().get("version").asLong()).isEqualTo(7);
        assertThat(byId.get(PointId.of(3)).vectors().get("")).containsExactly(6f, 6f);
        assertThat(byId.get(PointId.of(5)).payload().get("version").asLong()).isEqualTo(5);
    }

    @Test
    void modesAndFiltersApplyLive() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), CFG, false)) {
            writeAll(shard);
            assertOutcome(shard);
        }
    }

    @Test
    void replayedWalGivesTheSameResult() throws Exception {
        Path live = tmp.resolve("live");
        LocalShard shard = LocalShard.open(live, CFG, false);
        writeAll(shard);
        Path crashed = tmp.resolve("crashed");
        ShardFixtures.copyDir(live, crashed); // nothing checkpointed: everything comes from the WAL
        shard.close();
        try (LocalShard reopened = LocalShard.open(crashed, CFG, false)) {
            assertOutcome(reopened);
            // one WAL record per operation, also when nothing passed the condition
            assertThat(reopened.stats().opNum()).isEqualTo(5);
        }
    }

    @Test
    void theWalNeverHoldsAnUnresolvedCondition() {
        assertThatThrownBy(() -> OperationCodec.encode(
                        new PointOperation.Upsert(List.of(point(1, 1, 1)), UpdateMode.INSERT_ONLY, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolved by the shard");
        assertThatThrownBy(() -> OperationCodec.encode(new PointOperation.UpdateVectors(List.of(), versionBelow(1))))
                .isInstanceOf(IllegalArgumentException.class);
        // the plain form still round-trips as before
        PointOperation plain =
                OperationCodec.decode(OperationCodec.encode(new PointOperation.Upsert(List.of(point(1, 1, 1)))));
        assertThat(((PointOperation.Upsert) plain).isPlain()).isTrue();
    }
}
