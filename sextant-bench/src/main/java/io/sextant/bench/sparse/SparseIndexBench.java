package io.sextant.bench.sparse;

import io.sextant.index.sparse.MutableSparseIndex;
import io.sextant.index.sparse.SparseIndexReader;
import io.sextant.index.sparse.SparseTopK;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * Top-10 BM25 over WordNet glosses: Sextant's sparse inverted index against Lucene 10.6 (see {@link
 * Bm25Corpus} for the encoding and {@link LuceneBm25} for the peer). Self-contained main:
 *
 * <pre>
 * java -cp sextant-bench/target/sextant-bench.jar io.sextant.bench.sparse.SparseIndexBench \
 *     DATASET_DIR [--rounds N] [--warmup N] [--threads 1,2] [--work DIR] [--engines NAME,...]
 * </pre>
 *
 * Every engine answers all queries once per round at each thread count (each thread runs the whole
 * query list, starting at a different offset); rounds alternate engines so drift hits all alike.
 * QPS is the median over the measured rounds, by wall clock and by the CPU time of the search
 * threads (CPU-QPS, robust to other load on the machine). Sextant's results are checked against a brute-force
 * scan of the same vectors (ordinals and scores bit for bit); the overlap with Lucene's top 10 is
 * printed for information (Lucene quantizes document lengths and drops BM25's constant {@code k1 +
 * 1}, so a few ranks differ).
 */
public final class SparseIndexBench {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    static final int K = 10;

    /** One index under test. */
    interface Engine {
        String name();

        /** Answers query {@code q} and returns a value that depends on the result. */
        long search(int q);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println(
                    "usage: SparseIndexBench DATASET_DIR [--rounds N] [--warmup N] [--threads 1,2] [--work DIR] [--engines NAME,...]");
            System.exit(2);
        }
        Path dataset = Path.of(args[0]);
        int rounds = 7;
        int warmup = 5;
        int[] threadCounts = {1, 2};
        List<String> only = List.of();
        Path work = Files.createTempDirectory("sextant-sparse-bench");
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--threads" ->
                    threadCounts = Arrays.stream(args[i + 1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--work" -> work = Files.createDirectories(Path.of(args[i + 1]));
                case "--engines" -> only = List.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long t0 = System.nanoTime();
        Bm25Corpus corpus = Bm25Corpus.load(dataset);
        System.out.printf(
                Locale.ROOT,
                "corpus: %d docs, %d queries, %d postings, analyzed in %.1f s%n",
                corpus.docs.length,
                corpus.queries.length,
                corpus.postings,
                (System.nanoTime() - t0) / 1e9);

        List<Engine> engines = new ArrayList<>();
        Map<String, String> sizes = new LinkedHashMap<>();
        t0 = System.nanoTime();
        LuceneBm25 lucene = LuceneBm25.build(corpus, work.resolve("lucene"));
        double luceneBuild = (System.nanoTime() - t0) / 1e9;
        Query[] luceneQueries = new Query[corpus.queryTokens.size()];
        for (int i = 0; i < luceneQueries.length; i++) {
            luceneQueries[i] = LuceneBm25.query(corpus.queryTokens.get(i));
        }
        engines.add(new Engine() {
            public String name() {
                return "lucene";
            }

            public long search(int q) {
                try {
                    TopDocs top = lucene.search(luceneQueries[q], K);
                    return top.scoreDocs.length == 0 ? 0 : top.scoreDocs[0].doc;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        sizes.put(
                "lucene",
                String.format(
                        Locale.ROOT,
                        "build %.2f s, %d segment(s), all files %.2f B/posting, postings (.doc) %.2f B/posting",
                        luceneBuild,
                        lucene.segments(),
                        (double) lucene.bytes() / corpus.postings,
                        (double) lucene.bytes(".doc") / corpus.postings));

        t0 = System.nanoTime();
        MutableSparseIndex mutable = new MutableSparseIndex();
        for (int i = 0; i < corpus.docs.length; i++) {
            mutable.add(i, corpus.docs[i]);
        }
        sizes.put(
                "sextant-mutable",
                String.format(Locale.ROOT, "build %.2f s (heap, ~8 B/posting)", (System.nanoTime() - t0) / 1e9));
        engines.add(sextant("sextant-mutable", mutable, corpus));
        SparseBenchIndexes.addFileEngines(corpus, work, engines, sizes);

        for (Map.Entry<String, String> e : sizes.entrySet()) {
            System.out.printf(Locale.ROOT, "%-24s %s%n", e.getKey(), e.getValue());
        }
        checkExact(corpus, engines);
        printOverlap(corpus, lucene, luceneQueries, mutable);

        List<String> keep = only;
        if (!keep.isEmpty()) {
            engines.removeIf(e -> !e.name().equals("lucene") && !keep.contains(e.name()));
        }
        int maxThreads = Arrays.stream(threadCounts).max().orElse(1);
        ExecutorService pool = Executors.newFixedThreadPool(maxThreads);
        Map<String, List<Double>> qps = new LinkedHashMap<>();
        Map<String, List<Double>> cpuQps = new LinkedHashMap<>();
        for (int round = 0; round < warmup + rounds; round++) {
            for (Engine engine : engines) {
                for (int threads : threadCounts) {
                    double[] r = runRound(pool, engine, threads, corpus.queries.length);
                    if (round >= warmup) {
                        String key = engine.name() + "@" + threads;
                        qps.computeIfAbsent(key, x -> new ArrayList<>()).add(r[0]);
                        cpuQps.computeIfAbsent(key, x -> new ArrayList<>()).add(r[1]);
                    }
                }
            }
        }
        pool.shutdown();
        System.out.printf(
                Locale.ROOT,
                "%n%-24s %8s %12s %10s %12s %10s%n",
                "engine",
                "threads",
                "QPS(median)",
                "vs lucene",
                "CPU-QPS",
                "vs lucene");
        for (int threads : threadCounts) {
            double base = median(qps.get("lucene@" + threads));
            double cpuBase = median(cpuQps.get("lucene@" + threads));
            for (Engine engine : engines) {
                String key = engine.name() + "@" + threads;
                double m = median(qps.get(key));
                double c = median(cpuQps.get(key));
                System.out.printf(
                        Locale.ROOT,
                        "%-24s %8d %12.0f %9.2fx %12.0f %9.2fx%n",
                        engine.name(),
                        threads,
                        m,
                        m / base,
                        c,
                        c / cpuBase);
            }
        }
        lucene.close();
    }

    static Engine sextant(String name, SparseIndexReader index, Bm25Corpus corpus) {
        return new ExactEngine(name, index, corpus.queries, !name.contains("f16") && !name.contains("u8"));
    }

    /** A Sextant index; {@code exact} when its weights are float32, so it must match brute force. */
    record ExactEngine(String name, SparseIndexReader index, SparseVector[] queries, boolean exact) implements Engine {
        @Override
        public long search(int q) {
            SparseTopK top = index.search(queries[q], K, null);
            return top.size() == 0 ? 0 : top.ordinal(0);
        }

        SparseTopK result(int q) {
            return index.search(queries[q], K, null);
        }

        boolean matches(int q, SparseTopK expected) {
            if (!exact) {
                return true;
            }
            SparseTopK r = result(q);
            return Arrays.equals(r.ordinals(), expected.ordinals()) && Arrays.equals(r.scores(), expected.scores());
        }
    }

    /**
     * Runs every query on each of {@code threads} threads; returns {wall-clock QPS, CPU QPS}, the
     * latter counting only the CPU time of the search threads (times {@code threads}), which other
     * processes on a busy machine do not inflate.
     */
    private static double[] runRound(ExecutorService pool, Engine engine, int threads, int queries) throws Exception {
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * queries / threads;
            futures.add(pool.submit(() -> {
                long cpu0 = CPU.getCurrentThreadCpuTime();
                long sink = 0;
                for (int i = 0; i < queries; i++) {
                    sink += engine.search((offset + i) % queries);
                }
                return new long[] {sink, CPU.getCurrentThreadCpuTime() - cpu0};
            }));
        }
        long sink = 0;
        long cpuNanos = 0;
        for (Future<long[]> f : futures) {
            sink += f.get()[0];
            cpuNanos += f.get()[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink == 42) {
            System.out.print("");
        }
        double total = threads * (double) queries;
        return new double[] {total / seconds, total / (cpuNanos / 1e9) * threads};
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Compares the exact float32 engines with a brute-force scan of the vectors. */
    private static void checkExact(Bm25Corpus corpus, List<Engine> engines) {
        SparseVector[] docs = corpus.docs;
        BruteForceBm25 brute = new BruteForceBm25(docs);
        int mismatches = 0;
        for (int q = 0; q < corpus.queries.length; q++) {
            SparseTopK expected = brute.topK(corpus.queries[q], K);
            for (Engine e : engines) {
                if (e instanceof ExactEngine x && !x.matches(q, expected)) {
                    mismatches++;
                    if (mismatches <= 5) {
                        System.out.println(
                                "MISMATCH " + e.name() + " query " + q + ": " + x.result(q) + " expected " + expected);
                    }
                }
            }
        }
        System.out.println(
                "exactness vs brute force: " + (mismatches == 0 ? "all top-10 identical" : mismatches + " MISMATCHES"));
    }

    private static void printOverlap(
            Bm25Corpus corpus, LuceneBm25 lucene, Query[] luceneQueries, SparseIndexReader index) throws IOException {
        long shared = 0;
        long total = 0;
        for (int q = 0; q < luceneQueries.length; q++) {
            ScoreDoc[] l = lucene.search(luceneQueries[q], K).scoreDocs;
            SparseTopK s = index.search(corpus.queries[q], K, null);
            total += l.length;
            for (ScoreDoc d : l) {
                for (int i = 0; i < s.size(); i++) {
                    shared += s.ordinal(i) == d.doc ? 1 : 0;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "overlap of Sextant's top-10 with Lucene's: %.1f %%%n",
                100.0 * shared / Math.max(1, total));
    }
}
