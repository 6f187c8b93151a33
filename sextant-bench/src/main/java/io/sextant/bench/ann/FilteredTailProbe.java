package io.sextant.bench.ann;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.index.hnsw.FilterTraversal;
import io.sextant.index.hnsw.HnswGraph;
import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.index.hnsw.SearchResult;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.segment.vectorindex.SegmentGraph;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.segment.vectorindex.SegmentSearcher;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Diagnoses the latency tail of filtered search on wordnet-bge384: builds (once, kept under
 * {@code --work-dir}) the segment with payload links the ANN harness builds, then per filter and
 * ef times every query through {@link SegmentSearcher} and walks the same graph through {@link
 * HnswSearcher} to count scored nodes, and prints the latency distribution and the slowest
 * queries with their visited counts, recall and where level 0 was entered. A command-line tool for
 * investigations, not a benchmark of record; not thread-safe.
 *
 * <p>Flags: {@code [--data-dir D] [--work-dir bench/work/filtered-probe] [--filters pos-verb]
 * [--ef 20,30,40] [--slowest 15]}.
 */
public final class FilteredTailProbe {
    private FilteredTailProbe() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Dataset data =
                Dataset.load("wordnet-bge384", Path.of(args.get("data-dir", "/work/shared/datasets/wordnet-bge384")));
        Path dir = Path.of(args.get("work-dir", "bench/work/filtered-probe"));
        Map<String, PayloadIndexSpec> schema = new LinkedHashMap<>();
        for (String field : data.keywords().keySet()) {
            schema.put(field, PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        }
        VectorSpec spec = new VectorSpec(
                data.dimension(), Distance.COSINE, false, new HnswSpec(16, 100, 10_000, 2, false, null), null);
        Map<String, VectorSpec> specs = Map.of(SextantEngine.VECTOR, spec);
        Segment seg = openOrBuild(data, dir, specs, schema);
        int[] rowOf = new int[seg.offsetLimit()];
        int[] offOf = new int[data.base().length];
        for (int off = 0; off < rowOf.length; off++) {
            rowOf[off] = (int) ((PointId.Num) seg.idAt(off)).value();
            offOf[rowOf[off]] = off;
        }
        float[][] queries = new float[data.queries().length][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = AnnEngine.prepared(data.queries()[i], true);
        }
        SextantEngine engine = new SextantEngine();
        Recall recall = new Recall(data);
        int slowest = args.getInt("slowest", 15);
        for (String name : args.get("filters", "pos-verb").split(",")) {
            Dataset.Filter filter = data.filter(name);
            io.sextant.segment.filter.Filter f = (io.sextant.segment.filter.Filter) engine.prepareFilter(filter);
            BitSet acceptOffsets = new BitSet();
            filter.accept().stream().forEach(r -> acceptOffsets.set(offOf[r]));
            for (int ef : args.ints("ef", "20,30,40")) {
                SearchParams params = new SearchParams(ef, false, false, null);
                long[] ns = new long[queries.length];
                long[] cpu = new long[queries.length];
                int[][] results = new int[queries.length][];
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int pass = 0; pass < 3; pass++) {
                    for (int q = 0; q < queries.length; q++) {
                        long c0 = mx.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        List<SegmentSearcher.Hit> hits = SegmentSearcher.search(
                                seg,
                                new SegmentSearcher.Request(SextantEngine.VECTOR, queries[q], f, 10, null, params));
                        long t = System.nanoTime() - t0;
                        long c = mx.getCurrentThreadCpuTime() - c0;
                        ns[q] = pass == 0 ? t : Math.min(ns[q], t);
                        cpu[q] = pass == 0 ? c : Math.min(cpu[q], c);
                        int[] rows = new int[hits.size()];
                        for (int i = 0; i < rows.length; i++) {
                            rows[i] = rowOf[hits.get(i).offset()];
                        }
                        results[q] = rows;
                    }
                }
                long[] visited = new long[queries.length];
                String[] entry = new String[queries.length];
                walkCounts(seg, spec, queries, ef, acceptOffsets, visited, entry);
                long[] cs = cpu.clone();
                Arrays.sort(cs);
                System.out.printf(
                        Locale.ROOT,
                        "  cpu ms p50=%.3f p90=%.3f p99=%.3f max=%.3f p99/p50=%.1f mean=%.3f%n",
                        cs[cs.length / 2] / 1e6,
                        cs[cs.length * 9 / 10] / 1e6,
                        cs[cs.length * 99 / 100] / 1e6,
                        cs[cs.length - 1] / 1e6,
                        (double) cs[cs.length * 99 / 100] / cs[cs.length / 2],
                        Arrays.stream(cs).average().orElse(0) / 1e6);
                double r = recall.recallAt(10, results, filter.groundTruth(), filter.accept());
                long[] sorted = ns.clone();
                Arrays.sort(sorted);
                double mean = Arrays.stream(ns).average().orElse(0) / 1e6;
                System.out.printf(
                        Locale.ROOT,
                        "%s ef=%d recall=%.4f mean=%.3f ms (%.0f QPS) p50=%.3f p90=%.3f p99=%.3f max=%.3f"
                                + " p99/p50=%.1f visited mean=%.0f%n",
                        name,
                        ef,
                        r,
                        mean,
                        1000 / mean,
                        sorted[sorted.length / 2] / 1e6,
                        sorted[sorted.length * 9 / 10] / 1e6,
                        sorted[sorted.length * 99 / 100] / 1e6,
                        sorted[sorted.length - 1] / 1e6,
                        (double) sorted[sorted.length * 99 / 100] / sorted[sorted.length / 2],
                        Arrays.stream(visited).average().orElse(0));
                Integer[] order = new Integer[queries.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Long.compare(cpu[b], cpu[a]));
                for (int i = 0; i < slowest; i++) {
                    int q = order[i];
                    double rq = recall.recallAt(
                            10, new int[][] {results[q]}, new int[][] {filter.groundTruth()[q]}, filter.accept());
                    System.out.printf(
                            Locale.ROOT,
                            "  q=%d %.3f ms cpu %.3f ms visited=%d recall=%.1f %s%n",
                            q,
                            ns[q] / 1e6,
                            cpu[q] / 1e6,
                            visited[q],
                            rq,
                            entry[q]);
                }
                long[] vs = visited.clone();
                Arrays.sort(vs);
                System.out.printf(
                        Locale.ROOT,
                        "  visited p50=%d p90=%d p99=%d max=%d%n",
                        vs[vs.length / 2],
                        vs[vs.length * 9 / 10],
                        vs[vs.length * 99 / 100],
                        vs[vs.length - 1]);
            }
        }
        seg.close();
    }

    /** Scored nodes per query of the graph walk the planner would run, and where level 0 starts. */
    private static void walkCounts(
            Segment seg, VectorSpec spec, float[][] queries, int ef, BitSet accept, long[] visited, String[] entry) {
        SegmentGraph graph = seg.graph(SextantEngine.VECTOR);
        HnswGraph g = graph.graph();
        long[] reads = new long[1];
        long[] tests = new long[1];
        HnswSearcher searcher = new HnswSearcher(new HnswGraph() {
            public int size() {
                return g.size();
            }

            public int entryPoint() {
                return g.entryPoint();
            }

            public int levelOf(int node) {
                return g.levelOf(node);
            }

            public int maxDegree(int level) {
                return g.maxDegree(level);
            }

            public int neighbors(int level, int node, int[] dest) {
                reads[0]++;
                return g.neighbors(level, node, dest);
            }
        });
        MemorySegmentScorerSupplier rows = new MemorySegmentScorerSupplier(
                seg.rows(SextantEngine.VECTOR), spec.size(), seg.offsetLimit(), spec.distance());
        int[] buf = new int[g.maxDegree(1) + g.maxDegree(0)];
        for (int q = 0; q < queries.length; q++) {
            VectorScorer scorer = rows.queryScorer(queries[q]);
            reads[0] = 0;
            tests[0] = 0;
            SearchResult res = searcher.search(
                    scorer,
                    10,
                    ef,
                    o -> {
                        tests[0]++;
                        return accept.get(o);
                    },
                    FilterTraversal.TWO_HOP);
            visited[q] = res.visited();
            int node = g.entryPoint();
            float best = scorer.score(node);
            for (int level = g.levelOf(node); level > 0; level--) {
                boolean moved = true;
                while (moved) {
                    moved = false;
                    int c = g.neighbors(level, node, buf);
                    for (int i = 0; i < c; i++) {
                        float s = scorer.score(buf[i]);
                        if (s > best) {
                            best = s;
                            node = buf[i];
                            moved = true;
                        }
                    }
                }
            }
            int c0 = g.neighbors(0, node, buf);
            int acc = 0;
            for (int i = 0; i < c0; i++) {
                acc += accept.get(buf[i]) ? 1 : 0;
            }
            float top = res.size() > 0 ? res.scores()[0] : Float.NaN;
            entry[q] = String.format(
                    Locale.ROOT,
                    "reads=%d tests=%d entry accepted=%s entryScore=%.3f bestHit=%.3f entryNeighbours accepted %d/%d",
                    reads[0],
                    tests[0],
                    accept.get(node),
                    best,
                    top,
                    acc,
                    c0);
        }
    }

    private static Segment openOrBuild(
            Dataset data, Path dir, Map<String, VectorSpec> specs, Map<String, PayloadIndexSpec> schema)
            throws Exception {
        Path linked = dir.resolve("linked");
        if (Files.exists(linked.resolve("READY"))) {
            Segment seg = Segment.open(linked, specs, schema);
            if (seg.graph(SextantEngine.VECTOR) != null) {
                return seg;
            }
            seg.close();
        }
        Files.createDirectories(dir);
        Segment app = Segment.createAppendable(dir.resolve("appendable"), specs);
        JsonNodeFactory json = JsonNodeFactory.instance;
        for (int i = 0; i < data.base().length; i++) {
            ObjectNode payload = json.objectNode();
            for (Map.Entry<String, String[]> kw : data.keywords().entrySet()) {
                payload.put(kw.getKey(), kw.getValue()[i]);
            }
            app.append(
                    PointId.of(i), 1, Map.of(SextantEngine.VECTOR, AnnEngine.prepared(data.base()[i], true)), payload);
        }
        app.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }
        SegmentWriter.write(linked, specs, refs, 1);
        Segment seg = Segment.open(linked, specs, schema);
        long t0 = System.nanoTime();
        seg.attachGraph(SextantEngine.VECTOR, SegmentIndexBuilder.buildGraph(seg, SextantEngine.VECTOR, schema));
        System.out.printf(Locale.ROOT, "built graph with payload links in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        app.close();
        Files.writeString(linked.resolve("READY"), "");
        return seg;
    }
}
