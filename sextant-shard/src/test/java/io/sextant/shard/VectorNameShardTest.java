package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named vectors created and dropped on a live shard: restart, WAL replay, concurrent upserts. */
class VectorNameShardTest {
    @TempDir
    Path tmp;

    private static final VectorSpec A = new VectorSpec(2, Distance.EUCLID, false);
    private static final VectorSpec X = new VectorSpec(3, Distance.DOT, false);

    private static ShardConfig config(Map<String, VectorSpec> dense, Map<String, SparseVectorSpec> sparse) {
        ShardConfig base = ShardFixtures.config(2, Distance.EUCLID);
        return new ShardConfig(dense, sparse, base.optimizer(), base.wal());
    }

    private static final ShardConfig AX = config(Map.of("a", A, "x", X), Map.of("s", SparseVectorSpec.DEFAULT));
    private static final ShardConfig A_ONLY = config(Map.of("a", A), Map.of());

    private static PointOperation.Upsert point(long id, boolean withX) {
        Map<String, float[]> v = withX
                ? Map.of("a", new float[] {id, 1}, "x", new float[] {id, 2, 3})
                : Map.of("a", new float[] {id, 1});
        Map<String, SparseVector> s =
                withX ? Map.of("s", new SparseVector(new int[] {(int) id}, new float[] {1})) : Map.of();
        return new PointOperation.Upsert(
                List.of(new PointOperation.PointStruct(PointId.of(id), v, s, ShardFixtures.payload(id))));
    }

    private static PointRecord get(Shard shard, long id) {
        return shard.retrieve(List.of(PointId.of(id)), PayloadSelector.ALL, VectorSelector.ALL)
                .getFirst();
    }

    @Test
    void dropRemovesTheVectorEverywhereAndSurvivesRestart() throws Exception {
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, AX, false)) {
            for (long i = 0; i < 50; i++) {
                shard.update(point(i, true), true);
            }
            shard.flush();
            shard.optimizeNow(); // may convert: points in an immutable segment too
            shard.update(point(50, true), true);
            shard.changeVectors(A_ONLY);
            assertThat(get(shard, 7).vectors()).containsOnlyKeys("a");
            assertThat(get(shard, 50).vectors()).containsOnlyKeys("a");
            assertThat(get(shard, 50).sparseVectors()).isEmpty();
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(51);
            assertThatThrownBy(() -> shard.update(point(60, true), true)).isInstanceOf(UserException.class);
            shard.update(point(60, false), true);
        }
        assertThat(vectorFiles(dir)).noneMatch(f -> f.contains("-78") || f.contains("-73")); // "x", "s"
        try (LocalShard shard = LocalShard.open(dir, A_ONLY, false)) {
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(52);
            assertThat(get(shard, 7).vectors().get("a")).containsExactly(7, 1);
            assertThat(get(shard, 60).vectors()).containsOnlyKeys("a");
        }
    }

    @Test
    void createAddsAnEmptyVectorThatNewWritesFillAndThatSurvivesRestart() throws Exception {
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, A_ONLY, false)) {
            for (long i = 0; i < 20; i++) {
                shard.update(point(i, false), true);
            }
            shard.changeVectors(AX);
            assertThat(get(shard, 3).vectors()).containsOnlyKeys("a");
            shard.update(point(3, true), true);
            shard.update(
                    new PointOperation.UpdateVectors(List.of(new PointOperation.PointVectors(
                            PointId.of(4), Map.of("x", new float[] {9, 9, 9}), Map.of()))),
                    true);
            assertThat(get(shard, 3).vectors().get("x")).containsExactly(3, 2, 3);
            assertThat(get(shard, 4).vectors().get("a")).containsExactly(4, 1);
        }
        try (LocalShard shard = LocalShard.open(dir, AX, false)) {
            assertThat(get(shard, 3).vectors().get("x")).containsExactly(3, 2, 3);
            assertThat(get(shard, 3).sparseVectors()).containsOnlyKeys("s");
            assertThat(get(shard, 4).vectors().get("x")).containsExactly(9, 9, 9);
            assertThat(get(shard, 5).vectors()).containsOnlyKeys("a");
        }
    }

    @Test
    void walRecordsNamingADroppedVectorReplayWithoutIt() throws Exception {
        Path live = tmp.resolve("live");
        Path crashed = tmp.resolve("crashed");
        LocalShard shard = LocalShard.open(live, AX, false);
        for (long i = 0; i < 10; i++) {
            shard.update(point(i, true), true);
        }
        shard.update(
                new PointOperation.UpdateVectors(List.of(new PointOperation.PointVectors(
                        PointId.of(2),
                        Map.of("x", new float[] {5, 5, 5}),
                        Map.of("s", new SparseVector(new int[] {1}, new float[] {2}))))),
                true);
        // "kill -9" after the collection persisted a config without "x" and "s", before the shard
        // switched: the WAL still holds upserts that name them
        ShardFixtures.copyDir(live, crashed);
        shard.close();
        try (LocalShard reopened = LocalShard.open(crashed, A_ONLY, false)) {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(10);
            assertThat(get(reopened, 2).vectors()).containsOnlyKeys("a");
            assertThat(get(reopened, 2).vectors().get("a")).containsExactly(2, 1);
            assertThat(reopened.info().status()).isEqualTo("green");
        }
        // and a re-created "x" of another size never receives the old records' vectors
        ShardConfig otherX = config(Map.of("a", A, "x", new VectorSpec(4, Distance.DOT, false)), Map.of());
        Path again = tmp.resolve("again");
        ShardFixtures.copyDir(crashed, again);
        try (LocalShard reopened = LocalShard.open(again, otherX, false)) {
            assertThat(get(reopened, 2).vectors()).containsOnlyKeys("a");
        }
    }

    @Test
    void updatesRacingTheChangeEitherApplyBeforeOrAreCheckedAgainstTheNewVectors() throws Exception {
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, AX, true)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            List<Long> acked = new ArrayList<>();
            Thread writer = new Thread(() -> {
                for (long i = 0; !stop.get(); i++) {
                    try {
                        shard.update(point(i, true), true);
                        synchronized (acked) {
                            acked.add(i);
                        }
                    } catch (UserException e) {
                        // checked against the new vectors: "x" is gone
                    } catch (Throwable e) {
                        unexpected.set(e);
                        return;
                    }
                }
            });
            writer.start();
            Thread.sleep(100);
            shard.changeVectors(A_ONLY);
            Thread.sleep(50);
            stop.set(true);
            writer.join();
            assertThat(unexpected.get()).isNull();
            assertThat(shard.info().status()).isNotEqualTo("red");
            synchronized (acked) {
                assertThat(shard.count(Filter.ALL, true)).isEqualTo(acked.size());
                for (long id : acked) {
                    assertThat(get(shard, id).vectors()).containsOnlyKeys("a");
                }
            }
        }
    }

    private static List<String> vectorFiles(Path shardDir) throws Exception {
        try (Stream<Path> f = Files.walk(shardDir.resolve(LocalShard.SEGMENTS))) {
            return f.map(p -> p.getFileName().toString()).toList();
        }
    }
}
