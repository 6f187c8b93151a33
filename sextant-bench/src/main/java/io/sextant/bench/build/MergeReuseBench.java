package io.sextant.bench.build;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.bench.ann.Dataset;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.segment.vectorindex.GraphDonor;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.segment.vectorindex.SegmentSearcher;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Times a merge of one large indexed segment (with some points deleted) and one small unindexed
 * segment, built from scratch and with the large segment's graph reused ({@link GraphDonor}), in
 * the same JVM and alternating order, with recall@10 of each merged graph against an exact search.
 * Only the graph build is timed (the segment files are written the same way by both).
 *
 * <pre>
 * MergeReuseBench DATASET_DIR [--big 100000] [--small 5000] [--delete-every 20] [--rounds 2]
 *                 [--queries 200] [--ef 64] [--work bench/work/merge-reuse] [--out FILE.md] [--command TEXT]
 * </pre>
 */
public final class MergeReuseBench {
    private MergeReuseBench() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int big = Integer.parseInt(opt.getOrDefault("big", "100000"));
        int small = Integer.parseInt(opt.getOrDefault("small", "5000"));
        int deleteEvery = Integer.parseInt(opt.getOrDefault("delete-every", "20"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "2"));
        int nq = Integer.parseInt(opt.getOrDefault("queries", "200"));
        int ef = Integer.parseInt(opt.getOrDefault("ef", "64"));
        Path work = Path.of(opt.getOrDefault("work", "bench/work/merge-reuse"));
        String out = opt.get("out");
        String command = opt.getOrDefault("command", "MergeReuseBench " + String.join(" ", args));

        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        Dataset ds = Dataset.load("wordnet-bge384", dataDir);
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        Map<String, VectorSpec> specs =
                Map.of("", new VectorSpec(ds.dimension(), Distance.COSINE, false, HnswSpec.DEFAULT, null));
        Segment bigSeg = immutable(work.resolve("big"), specs, ds.base(), 0, big);
        Segment smallSeg = immutable(work.resolve("small"), specs, ds.base(), big, small);
        long t0 = System.nanoTime();
        bigSeg.attachGraph("", SegmentIndexBuilder.buildGraph(bigSeg, "", Map.of()));
        long initialMs = (System.nanoTime() - t0) / 1_000_000;
        for (int i = 0; i < big; i += deleteEvery) {
            bigSeg.delete(bigSeg.offsetOf(PointId.of(i)));
        }
        System.out.printf("big segment: %d points, graph %d ms; %d deleted%n", big, initialMs, bigSeg.deletedCount());
        List<Segment> sources = List.of(bigSeg, smallSeg);
        float[][] queries = java.util.Arrays.copyOf(ds.queries(), nq);

        List<String> rows = new ArrayList<>();
        Map<Boolean, List<Long>> times = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
        Map<Boolean, List<Double>> recalls = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            boolean[] order = r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
            for (boolean reuse : order) {
                Path dir = work.resolve("merged-" + r + (reuse ? "-reuse" : "-scratch"));
                List<SegmentWriter.PointRef> refs = new ArrayList<>();
                for (Segment s : sources) {
                    for (var it = s.liveOffsetsById(null); it.hasNext(); ) {
                        refs.add(new SegmentWriter.PointRef(s, it.nextInt()));
                    }
                }
                SegmentWriter.write(dir, specs, refs, 1);
                Segment merged = Segment.open(dir, specs, Map.of());
                try {
                    SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
                    long b0 = System.nanoTime();
                    GraphDonor donor = reuse ? GraphDonor.find(merged, "", sources) : null;
                    if (reuse && donor == null) {
                        throw new IllegalStateException("no donor found for the reuse run");
                    }
                    merged.attachGraph(
                            "", SegmentIndexBuilder.buildGraph(merged, "", Map.of(), () -> false, stats, donor));
                    long ms = (System.nanoTime() - b0) / 1_000_000;
                    double recall = recall(merged, queries, ef);
                    times.get(reuse).add(ms);
                    recalls.get(reuse).add(recall);
                    String row = String.format(
                            "| %d | %s | %,d | %,d | %,d | %,d | %.4f | %s |",
                            r + 1,
                            reuse ? "reuse" : "scratch",
                            merged.liveCount(),
                            stats.donatedNodes,
                            stats.insertedNodes,
                            ms,
                            recall,
                            Files.readString(Path.of("/proc/loadavg")).trim());
                    rows.add(row);
                    System.out.println(row);
                } finally {
                    merged.close();
                    AtomicFiles.deleteTree(dir);
                }
            }
        }
        bigSeg.close();
        smallSeg.close();
        AtomicFiles.deleteTree(work);

        long scratch = median(times.get(false));
        long reused = median(times.get(true));
        StringBuilder md = new StringBuilder();
        md.append("# Merge with graph reuse vs from scratch (wordnet-bge384)\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("A merge of one indexed segment of ")
                .append(String.format("%,d", big))
                .append(" points (every ")
                .append(deleteEvery)
                .append("th deleted) and one unindexed segment of ")
                .append(String.format("%,d", small))
                .append(" points, 384-d Cosine, m 16, ef_construct 100, all cores. Only the graph build of the merged")
                .append(
                        " segment is timed; both runs write the same segment files. Runs alternate (scratch first in odd")
                .append(" rounds). Recall@10 at hnsw_ef ")
                .append(ef)
                .append(" over ")
                .append(nq)
                .append(" wordnet queries against an exact search of the merged segment.\n\n");
        md.append("Load average before: ")
                .append(loadBefore)
                .append(" (2 cores shared with other jobs: absolute times are noisy,")
                .append(" compare within the run).\n\n");
        md.append("Initial graph of the large segment: ")
                .append(String.format("%,d", initialMs))
                .append(" ms.\n\n");
        md.append(
                "| round | build | points | reused nodes | inserted nodes | graph build ms | recall@10 | load avg after |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---|\n");
        rows.forEach(row -> md.append(row).append('\n'));
        md.append(String.format(
                "%nMedian graph build: scratch %,d ms, reuse %,d ms (%.2f× faster); median recall@10: scratch %.4f, reuse %.4f.%n",
                scratch,
                reused,
                (double) scratch / Math.max(1, reused),
                medianD(recalls.get(false)),
                medianD(recalls.get(true))));
        System.out.print(md);
        if (out != null) {
            Files.writeString(Path.of(out), md.toString());
            System.out.println("wrote " + out);
        }
    }

    private static Segment immutable(Path dir, Map<String, VectorSpec> specs, float[][] base, int from, int count) {
        Path app = dir.resolveSibling(dir.getFileName() + "-app");
        Segment seg = Segment.createAppendable(app, specs);
        JsonNodeFactory json = JsonNodeFactory.instance;
        for (int i = 0; i < count; i++) {
            seg.append(PointId.of(from + i), 1, Map.of("", base[from + i]), json.objectNode());
        }
        seg.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>(count);
        for (int off = 0; off < seg.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(seg, off));
        }
        SegmentWriter.write(dir, specs, refs, 1);
        seg.close();
        AtomicFiles.deleteTree(app);
        return Segment.open(dir, specs, Map.of());
    }

    private static double recall(Segment seg, float[][] queries, int ef) {
        SearchParams exact = new SearchParams(null, true, false);
        SearchParams approx = new SearchParams(ef, false, false);
        long found = 0;
        long total = 0;
        for (float[] q : queries) {
            Set<Integer> truth = new HashSet<>();
            for (var h : SegmentSearcher.search(seg, new SegmentSearcher.Request("", q, Filter.ALL, 10, null, exact))) {
                truth.add(h.offset());
            }
            for (var h :
                    SegmentSearcher.search(seg, new SegmentSearcher.Request("", q, Filter.ALL, 10, null, approx))) {
                found += truth.contains(h.offset()) ? 1 : 0;
            }
            total += truth.size();
        }
        return (double) found / total;
    }

    private static long median(List<Long> xs) {
        List<Long> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double medianD(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
