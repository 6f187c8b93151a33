package io.sextant.server.snapshot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.RecoverRequest;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import io.sextant.shard.Shard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Snapshot throughput on a generated collection (default 100,000 vectors of dimension 128, one
 * shard, small payloads, indexed by the optimizer): create MB/s, restore MB/s, and restore time
 * compared with building the collection (ingest + index), and the write pause: the longest
 * single-point upsert while a snapshot is being created ({@link WritePauseProbe}). Run with {@code bin/bench snapshot
 * [points] [dim] [out.md]}; writes a Markdown table (default {@code bench/results/snapshots.md}).
 * Not a test: numbers depend on the disk and the load of the machine.
 */
public final class SnapshotBenchmark {
    private SnapshotBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results/snapshots.md");
        Path root = Files.createTempDirectory("sextant-snapbench");
        Path snapshots = root.resolve("snapshots");
        StringBuilder md = new StringBuilder();
        try (TableOfContents toc = TableOfContents.open(root.resolve("storage"), LocalShard::open)) {
            SnapshotService service =
                    new SnapshotService(toc, new LocalSnapshotStore(snapshots), snapshots, null, Clock.systemUTC());
            long t0 = System.nanoTime();
            Collection c = toc.create(
                    "bench", CollectionConfig.of(CollectionParams.single(VectorParams.of(dim, Distance.COSINE))));
            Random rnd = new Random(42);
            for (int b = 0; b < n; b += 1000) {
                List<PointOperation.PointStruct> pts = new ArrayList<>();
                for (int i = b; i < Math.min(n, b + 1000); i++) {
                    float[] v = new float[dim];
                    for (int k = 0; k < dim; k++) {
                        v[k] = (float) rnd.nextGaussian();
                    }
                    pts.add(new PointOperation.PointStruct(
                            PointId.of(i),
                            Map.of("", v),
                            JsonNodeFactory.instance.objectNode().put("i", i)));
                }
                c.update(new PointOperation.Upsert(pts), false);
            }
            double ingestS = (System.nanoTime() - t0) / 1e9;
            // write pause while a snapshot is taken, before indexing: everything still to flush
            WritePauseProbe.Result<SnapshotDescription> pauseFresh =
                    new WritePauseProbe(c, dim, n).around(2000, () -> service.createCollection("bench"));
            service.deleteCollection("bench", pauseFresh.value().name());
            long t1 = System.nanoTime();
            for (Shard s : c.shards()) {
                ((LocalShard) s).optimizeNow();
            }
            double indexS = (System.nanoTime() - t1) / 1e9;
            var info = c.info();

            long t2 = System.nanoTime();
            SnapshotDescription d = service.createCollection("bench");
            double createS = (System.nanoTime() - t2) / 1e9;
            double mb = d.size() / 1e6;
            // write pause on the indexed collection (a separate snapshot, deleted again)
            WritePauseProbe.Result<SnapshotDescription> pauseIndexed =
                    new WritePauseProbe(c, dim, n).around(2000, () -> service.createCollection("bench"));
            service.deleteCollection("bench", pauseIndexed.value().name());

            Path file = snapshots.resolve("bench").resolve(d.name());
            long t3 = System.nanoTime();
            service.recoverCollection(
                    "restored", new RecoverRequest(file.toUri().toString(), null, null, null));
            double restoreS = (System.nanoTime() - t3) / 1e9;
            Collection r = toc.get("restored");
            long count = r.count(Filter.ALL, true);
            var rinfo = r.info();

            long t4 = System.nanoTime();
            service.recoverCollection(
                    "restored2", new RecoverRequest(file.toUri().toString(), null, d.checksum(), null));
            double restoreChecksumS = (System.nanoTime() - t4) / 1e9;

            md.append("# Snapshot throughput\n\n")
                    .append("`bin/bench snapshot ")
                    .append(n)
                    .append(' ')
                    .append(dim)
                    .append("` on ")
                    .append(Instant.now())
                    .append(", ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" cores, load before: ")
                    .append(load())
                    .append(".\n\n")
                    .append("Collection: ")
                    .append(n)
                    .append(" vectors of dimension ")
                    .append(dim)
                    .append(" (cosine), payload `{\"i\": n}`, 1 shard, ")
                    .append(info.segmentsCount())
                    .append(" segments, ")
                    .append(info.indexedVectorsCount())
                    .append(" vectors indexed.\n\n")
                    .append("| step | time (s) | MB | MB/s |\n|---|---:|---:|---:|\n")
                    .append(row("build: ingest (wait=false upserts of 1000)", ingestS, 0))
                    .append(row("build: optimize + index (HNSW)", indexS, 0))
                    .append(row("snapshot create (pause+link, tar, SHA-256, fsync)", createS, mb))
                    .append(row("restore from file:// (extract, open, swap)", restoreS, mb))
                    .append(row("restore with checksum verification", restoreChecksumS, mb))
                    .append("\nRestored collection: ")
                    .append(count)
                    .append(" points, ")
                    .append(rinfo.indexedVectorsCount())
                    .append(" vectors indexed right after restore (no re-indexing); ")
                    .append(String.format(
                            "restore took %.1f%% of the build time (ingest + index %.1f s).%n",
                            100 * restoreS / (ingestS + indexS), ingestS + indexS))
                    .append("\n## Write pause during snapshot creation\n\n")
                    .append(
                            "A writer upserts one point at a time with wait=true, back to back, while a snapshot of the ")
                    .append(
                            "same collection is created; the longest upsert overlapping the snapshot is the time a write ")
                    .append("was blocked (updates pause for the WAL fsync and the hard links; the tar, SHA-256 and ")
                    .append("fsync run after updates resume).\n\n")
                    .append("| collection state | snapshot create (ms) | upserts during | max upsert during (ms) | ")
                    .append("baseline p50 (ms) | baseline max (ms) |\n|---|---:|---:|---:|---:|---:|\n")
                    .append(pauseRow("ingested, not yet indexed", pauseFresh))
                    .append(pauseRow("optimized + indexed", pauseIndexed));
        } finally {
            io.sextant.collection.AtomicFiles.deleteTree(root);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }

    private static String pauseRow(String state, WritePauseProbe.Result<?> r) {
        return String.format(
                "| %s | %.0f | %d | %.1f | %.2f | %.1f |%n",
                state, r.actionMs(), r.duringMs().length, r.maxDuringMs(), r.p50BaselineMs(), r.maxBaselineMs());
    }

    private static String row(String step, double s, double mb) {
        return String.format(
                "| %s | %.2f | %s | %s |%n",
                step, s, mb > 0 ? String.format("%.1f", mb) : "", mb > 0 ? String.format("%.0f", mb / s) : "");
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
