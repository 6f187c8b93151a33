package io.sextant.bench.ann;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of the ANN harness: loads the data set, builds one engine, measures its memory,
 * then runs the unfiltered ef sweep and the filtered runs at each thread count: per point an
 * untimed warm-up pass over the queries, then up to five timed passes (a further pass only while
 * the point has taken under fifteen seconds), reporting the fastest. Appends {@link AnnRow}s to the output
 * file as it goes (so a crash keeps what was measured) and prints progress. A command-line tool,
 * not thread-safe.
 *
 * <p>Flags: {@code --dataset --data-dir --engine --out --work-dir [--threads 1,2] [--ef ...]
 * [--filter-ef ...] [--m 16] [--ef-construct 100] [--build-threads N] [--queries N]}.
 */
public final class AnnWorker {
    static final int K = 10;
    static final int TIMED_PASSES = 5;
    static final double PASS_BUDGET_S = 15;

    private AnnWorker() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        args.checkOnly(
                "dataset",
                "data-dir",
                "engine",
                "out",
                "work-dir",
                "threads",
                "ef",
                "filter-ef",
                "m",
                "ef-construct",
                "build-threads",
                "queries",
                "variants",
                "filters");
        String engineName = args.get("engine", "sextant");
        Path out = Path.of(args.get("out", "ann-rows.csv"));
        Path work = Files.createDirectories(Path.of(args.get("work-dir", "bench/work/tmp")));
        Dataset full = Dataset.load(args.get("dataset", "wordnet-bge384"), Path.of(args.get("data-dir", ".")));
        Dataset data = limitQueries(full, args.getInt("queries", full.queries().length));
        if (args.get("filters", "all").equals("none")) {
            data = new Dataset(
                    data.name(),
                    data.cosine(),
                    data.base(),
                    data.queries(),
                    data.groundTruth(),
                    data.keywords(),
                    List.of());
        }
        int[] threadCounts = args.ints("threads", "1,2");
        int[] efs = args.ints("ef", "10,20,40,80,160,320");
        int[] filterEfs = args.ints("filter-ef", "40,80,160,320");
        int buildThreads = args.getInt("build-threads", Runtime.getRuntime().availableProcessors());
        float[][] queries = new float[data.queries().length][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = AnnEngine.prepared(data.queries()[i], data.cosine());
        }
        Recall recall = new Recall(data);
        String ds = data.name();

        try (AnnEngine engine = create(engineName, threadCounts, efs)) {
            long heapBefore = usedHeapAfterGc();
            long t0 = System.nanoTime();
            String notes = engine.build(new AnnEngine.BuildSpec(
                    data, args.getInt("m", 16), args.getInt("ef-construct", 100), buildThreads, work));
            double buildS = engine.ownBuildSeconds().orElse((System.nanoTime() - t0) / 1e9);
            long heapAfter = usedHeapAfterGc();
            double heapMb = (heapAfter - heapBefore) / 1048576.0;
            double offMb = engine.offHeapBytes() / 1048576.0;
            log(
                    "%s: built in %.1f s (+%.1f s extra), heap %.0f MB, off-heap %.0f MB; %s",
                    engineName, buildS, engine.extraBuildSeconds(), heapMb, offMb, notes);
            append(out, AnnRow.build(ds, engineName, buildS, engine.extraBuildSeconds(), heapMb, offMb, notes));

            for (int threads : threadCounts) {
                for (int ef : efs) {
                    AnnRow row = measure(engineName, engine, data, queries, recall, null, null, threads, ef);
                    append(out, row);
                }
            }
            if (engine.supportsFilter()) {
                for (Dataset.Filter f : data.filters()) {
                    Object prepared = engine.prepareFilter(f);
                    for (int threads : threadCounts) {
                        for (int ef : filterEfs) {
                            append(out, measure(engineName, engine, data, queries, recall, f, prepared, threads, ef));
                        }
                    }
                }
            } else if (!data.filters().isEmpty()) {
                log("%s: no filtered search, filtered runs are n/a", engineName);
            }
            List<String> wanted = args.list("variants", String.join(",", engine.variants()));
            for (String variant : engine.variants()) {
                if (!wanted.contains(variant)) {
                    continue;
                }
                String label = engineName + "-" + variant;
                long v0 = System.nanoTime();
                String vnotes = engine.enterVariant(variant);
                double vs = (System.nanoTime() - v0) / 1e9;
                double vheap = (usedHeapAfterGc() - heapBefore) / 1048576.0;
                double voff = engine.offHeapBytes() / 1048576.0;
                log("%s: variant ready in %.1f s, heap %.0f MB, off-heap %.0f MB; %s", label, vs, vheap, voff, vnotes);
                append(out, AnnRow.build(ds, label, vs, 0, vheap, voff, vnotes));
                for (int threads : threadCounts) {
                    for (int ef : efs) {
                        append(out, measure(label, engine, data, queries, recall, null, null, threads, ef));
                    }
                }
            }
        }
    }

    static AnnEngine create(String name, int[] threadCounts, int[] efs) {
        return switch (name) {
            case "faiss" -> new FaissEngine(threadCounts, efs);
            case "sextant" -> new SextantEngine();
            case "lucene" -> new LuceneEngine();
            case "jvector" -> new JVectorEngine();
            case "hnswlib" -> new HnswlibEngine();
            default ->
                throw new IllegalArgumentException(
                        "unknown engine " + name + ", expected sextant, lucene, jvector, hnswlib or faiss");
        };
    }

    private static AnnRow measure(
            String label,
            AnnEngine engine,
            Dataset data,
            float[][] queries,
            Recall recall,
            Dataset.Filter filter,
            Object prepared,
            int threads,
            int ef)
            throws Exception {
        int[][] results = new int[queries.length][];
        long[] latencies = new long[queries.length];
        AnnEngine.Premeasured outside = filter == null ? engine.premeasured(threads, ef) : null;
        double secs;
        if (outside != null) {
            results = outside.results();
            latencies = outside.latencies().clone();
            secs = outside.seconds();
        } else {
            secs = timedPasses(engine, queries, prepared, threads, ef, results, latencies);
        }
        double qps = queries.length / secs;
        int[][] truth = filter == null ? data.groundTruth() : filter.groundTruth();
        double r = recall.recallAt(K, results, truth, filter == null ? null : filter.accept());
        Arrays.sort(latencies);
        double p50 = latencies[latencies.length / 2] / 1e6;
        double p99 = latencies[Math.min(latencies.length - 1, (int) Math.ceil(latencies.length * 0.99) - 1)] / 1e6;
        String name = filter == null ? "" : filter.name();
        int shortAnswers = 0;
        for (int[] res : results) {
            if (res.length < K) {
                shortAnswers++;
            }
        }
        log(
                "%s %s threads=%d ef=%d recall@10=%.4f qps=%.0f p50=%.3f ms p99=%.3f ms%s",
                label,
                filter == null ? "unfiltered" : "filter " + name,
                threads,
                ef,
                r,
                qps,
                p50,
                p99,
                shortAnswers == 0 ? "" : " (" + shortAnswers + " queries answered fewer than " + K + " hits)");
        return AnnRow.search(data.name(), label, name, threads, ef, r, qps, p50, p99, "");
    }

    /**
     * A warm-up pass, then timed passes: up to TIMED_PASSES, more only while the point has taken
     * under PASS_BUDGET_S; returns the fastest pass's seconds (as ann-benchmarks does), its
     * latencies left in {@code latencies}.
     */
    private static double timedPasses(
            AnnEngine engine,
            float[][] queries,
            Object prepared,
            int threads,
            int ef,
            int[][] results,
            long[] latencies)
            throws Exception {
        run(engine, queries, prepared, threads, ef, results, latencies); // warm-up
        double secs = Double.MAX_VALUE;
        long[] passLatencies = new long[queries.length];
        long started = System.nanoTime();
        for (int pass = 0; pass < TIMED_PASSES; pass++) {
            if (pass > 0 && (System.nanoTime() - started) / 1e9 > PASS_BUDGET_S) {
                break;
            }
            long t0 = System.nanoTime();
            run(engine, queries, prepared, threads, ef, results, passLatencies);
            double s = (System.nanoTime() - t0) / 1e9;
            if (s < secs) {
                secs = s;
                System.arraycopy(passLatencies, 0, latencies, 0, latencies.length);
            }
        }
        return secs;
    }

    /**
     * Runs all queries on {@code threads} threads that take the next query from a shared cursor, so a
     * thread the OS pauses for a moment does not leave the other idle at the end of a short pass.
     */
    private static void run(
            AnnEngine engine,
            float[][] queries,
            Object prepared,
            int threads,
            int ef,
            int[][] results,
            long[] latencies)
            throws Exception {
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads; t++) {
            AnnEngine.Searcher searcher = engine.searcher();
            workers.add(new Thread(() -> {
                try {
                    for (int q; (q = cursor.getAndIncrement()) < queries.length; ) {
                        long s = System.nanoTime();
                        results[q] = searcher.search(queries[q], K, ef, prepared);
                        latencies[q] = System.nanoTime() - s;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static Dataset limitQueries(Dataset d, int n) {
        if (n >= d.queries().length) {
            return d;
        }
        List<Dataset.Filter> filters = new ArrayList<>();
        for (Dataset.Filter f : d.filters()) {
            filters.add(new Dataset.Filter(f.name(), f.conditions(), f.accept(), Arrays.copyOf(f.groundTruth(), n)));
        }
        return new Dataset(
                d.name(),
                d.cosine(),
                d.base(),
                Arrays.copyOf(d.queries(), n),
                Arrays.copyOf(d.groundTruth(), n),
                d.keywords(),
                filters);
    }

    static long usedHeapAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static void append(Path out, AnnRow row) throws IOException {
        if (!Files.exists(out)) {
            Files.writeString(out, AnnRow.HEADER + "\n");
        }
        Files.writeString(out, row.toCsv() + "\n", StandardOpenOption.APPEND);
    }

    static void log(String format, Object... args) {
        System.out.printf(java.util.Locale.ROOT, "[ann] " + format + "%n", args);
        System.out.flush();
    }
}
