package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.QuantizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PATCH of memory placement moves the files of immutable segments without rewriting them
 * (the segment is reopened in its directory) while searches and writes keep running, and
 * nothing fails or goes missing.
 */
class PlacementPatchShardTest {
    private static final int DIM = 16;
    private static final int N = 3000;

    @TempDir
    Path tmp;

    static ShardConfig config(MemoryPlacement vectors, MemoryPlacement graph, MemoryPlacement codes) {
        VectorSpec spec = new VectorSpec(
                DIM,
                Distance.EUCLID,
                false,
                new HnswSpec(16, 64, 8, 2, false, null, graph),
                new QuantizerSpec.Scalar(0.99f, false),
                null,
                null,
                vectors,
                codes);
        return new ShardConfig(
                Map.of("", spec),
                new ShardConfig.OptimizerSettings(0.2, 10, 100, null, 64, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    /** The segment in {@code dir}: the appendable target may be converted meanwhile, adding others. */
    private static Segment in(LocalShard shard, java.nio.file.Path dir) {
        return shard.segments().all().stream()
                .filter(s -> s.dir().equals(dir))
                .findFirst()
                .orElseThrow(() -> new AssertionError("segment " + dir + " was rewritten, not reopened in place"));
    }

    private static Segment immutable(LocalShard shard) {
        return shard.segments().all().stream()
                .filter(Segment::immutable)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void patchCachedToColdAndBackUnderSearchLoad() throws Exception {
        long seed = System.nanoTime();
        float[][] data = VectorIndexShardTest.clustered(new Random(seed), N);
        ShardConfig cached = config(MemoryPlacement.CACHED, MemoryPlacement.CACHED, MemoryPlacement.CACHED);
        ShardConfig cold = config(MemoryPlacement.COLD, MemoryPlacement.COLD, MemoryPlacement.PINNED);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), cached, false)) {
            VectorIndexShardTest.load(shard, data);
            shard.optimizeNow();
            Segment before = immutable(shard);
            assertThat(before.graph("")).as("seed %d", seed).isNotNull();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong searches = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                load.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(seed + id);
                    while (!stop.get()) {
                        try {
                            List<ScoredPoint> hits = VectorIndexShardTest.search(
                                    shard, data[r.nextInt(N)], Filter.ALL, SearchParams.DEFAULT);
                            if (hits.size() != 10) {
                                throw new AssertionError("search returned " + hits.size() + " hits");
                            }
                            searches.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                            return;
                        }
                    }
                }));
            }
            load.add(Thread.ofPlatform()
                    .start(
                            () -> { // rewrites points: deletes in the immutable segment
                                Random r = new Random(seed);
                                while (!stop.get() && writes.get() < 300) {
                                    try {
                                        int i = r.nextInt(N / 10); // under deleted_threshold: no vacuum
                                        shard.update(
                                                new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                                        PointId.of(i), Map.of("", data[i]), null))),
                                                true);
                                        writes.incrementAndGet();
                                    } catch (Throwable e) {
                                        errors.add(e);
                                        return;
                                    }
                                }
                            }));
            Thread.sleep(200);

            shard.updateConfig(cold);
            shard.optimizeNow();
            Segment coldSeg = in(shard, before.dir());
            assertThat(coldSeg).isNotSameAs(before);
            assertThat(coldSeg.dir()).as("reopened in place, not rewritten").isEqualTo(before.dir());
            assertThat(coldSeg.specs().get("").placement()).isEqualTo(MemoryPlacement.COLD);
            Map<String, Segment.PlacedBytes> placed = coldSeg.placedBytes("");
            assertThat(placed.get("vectors").mapped()).isTrue();
            assertThat(placed.get("graph").mapped()).isTrue();
            assertThat(placed.get("quantized").mapped())
                    .as("pinned codes are a copy")
                    .isFalse();
            assertThat(placed.get("quantized").resident())
                    .isEqualTo(placed.get("quantized").bytes());
            Thread.sleep(200);

            shard.updateConfig(cached);
            shard.optimizeNow();
            Segment back = in(shard, before.dir());
            assertThat(back).isNotSameAs(coldSeg);
            assertThat(back.dir()).isEqualTo(before.dir());
            for (var e : back.placedBytes("").entrySet()) {
                assertThat(e.getValue().mapped()).as(e.getKey()).isTrue();
                assertThat(e.getValue().resident())
                        .as(e.getKey())
                        .isEqualTo(e.getValue().bytes());
            }
            Thread.sleep(200);

            stop.set(true);
            for (Thread t : load) {
                t.join();
            }
            assertThat(errors).as("seed %d", seed).isEmpty();
            assertThat(searches.get()).isPositive();
            assertThat(writes.get()).isPositive();
            assertThat(shard.info().pointsCount()).isEqualTo(N);
            for (int i = 0; i < 20; i++) {
                float[] q = data[i * 100];
                assertThat(VectorIndexShardTest.search(shard, q, Filter.ALL, new SearchParams(null, true, false))
                                .getFirst()
                                .id())
                        .isEqualTo(PointId.of(i * 100));
            }
            System.out.printf(
                    "placement PATCH under load: %d searches, %d writes, 0 errors%n", searches.get(), writes.get());
        }
    }
}
