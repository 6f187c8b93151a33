package io.sextant.bench.scan;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An on-demand harness (not part of {@code bin/bench}'s suites): the speed of an exact scan of one
 * shard's points, random 384-float vectors. {@code java --add-modules jdk.incubator.vector -cp
 * sextant-bench/target/sextant-bench.jar io.sextant.bench.scan.ExactScanBench N DISTANCE [indexed]}:
 * without a third argument the points stay in the appendable segment and plain searches scan it;
 * with it the shard is optimized into an immutable segment first and searches ask for {@code exact}.
 * Prints microseconds per search and nanoseconds per point, six times two seconds.
 */
public final class ExactScanBench {
    private ExactScanBench() {}

    static float[] rv(Random r) {
        float[] v = new float[384];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        Path dir = Files.createTempDirectory("exact-scan");
        ShardConfig c = new ShardConfig(
                Map.of("", new VectorSpec(384, Distance.valueOf(a[1]), false)),
                new ShardConfig.OptimizerSettings(0.2, 1000, 1, null, a.length > 2 ? 1000L : 100_000_000L, 3600),
                new ShardConfig.WalSettings(32, 0));
        Random r = new Random(1);
        try (LocalShard shard = LocalShard.open(dir.resolve("s"), c)) {
            for (int b = 0; b < n; b += 1000) {
                List<PointOperation.PointStruct> pts = new ArrayList<>();
                for (int i = b; i < Math.min(n, b + 1000); i++) {
                    pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", rv(r)), null));
                }
                shard.update(new PointOperation.Upsert(pts), true);
            }
            if (a.length > 2) {
                shard.optimizeNow();
            }
            float[][] qs = new float[200][];
            for (int i = 0; i < qs.length; i++) {
                qs[i] = rv(r);
            }
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                int done = 0;
                while (System.nanoTime() - t0 < 2_000_000_000L) {
                    shard.search(new CoreSearch(
                            "",
                            qs[done % qs.length],
                            Filter.ALL,
                            10,
                            0,
                            null,
                            a.length > 2 ? new SearchParams(null, true, false) : SearchParams.DEFAULT,
                            PayloadSelector.NONE,
                            VectorSelector.NONE));
                    done++;
                }
                System.out.printf(
                        "n=%d %s: %.1f us per search, %.1f ns per point%n",
                        n, a[1], (System.nanoTime() - t0) / 1e3 / done, (System.nanoTime() - t0) / (double) done / n);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
