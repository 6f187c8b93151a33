package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Measures what a quantizer alone costs in recall, without a graph: every query scores every base
 * vector with the codes, keeps the best {@code ceil(10 * oversampling)}, rescores them on the
 * original vectors and compares the top 10 with the data set's exact ground truth. Not a test (it
 * reads {@code ../shared/datasets/wordnet-bge384}, 115,659 x 384 float16); run it with
 *
 * <pre>
 * mvn -o -q -pl sextant-vector test-compile
 * java --add-modules jdk.incubator.vector -cp sextant-vector/target/classes:sextant-vector/target/test-classes:SLF4J_API_JAR \
 *   io.sextant.vector.quant.QuantRecallHarness ../shared/datasets/wordnet-bge384 [queries] [spec...]
 * </pre>
 *
 * where a spec is {@code int8}, {@code int8:0.99} (quantile), {@code bq1}, {@code bq15}, {@code
 * bq2} or {@code pq16}; {@code -Dsextant.quant.kernels=scalar} measures the scalar kernels. Prints
 * one line per spec and oversampling: recall@10, code bytes, and the time of the quantized scan
 * relative to a float32 scan of the same vectors (lower is faster; both include the top-k heap).
 */
public final class QuantRecallHarness {
    private QuantRecallHarness() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/datasets/wordnet-bge384");
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<String> specs = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("int8", "int8:0.99");
        int dim = 384;
        float[][] base = normalize(readF16(dir.resolve("base.f16"), dim));
        float[][] query = normalize(readF16(dir.resolve("query.f16"), dim));
        int[][] truth = readIvecs(dir.resolve("groundtruth.ivecs"));
        int nq = Math.min(queries, query.length);
        System.out.printf(
                Locale.ROOT,
                "wordnet-bge384: %d base, %d queries, kernels %s%n",
                base.length,
                nq,
                QuantKernels.IMPL.getClass().getSimpleName());
        double floatScanSec = floatScan(base, query, nq);
        for (String s : specs) {
            QuantizerSpec spec = parse(s);
            Quantizer q = Quantizers.train(spec, Distance.COSINE, dim, base.length, i -> base[i], 42L);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment codes = Quantizers.encodeAll(q, base.length, i -> base[i], arena);
                for (double os : new double[] {1, 2, 4}) {
                    int fetch = (int) Math.ceil(10 * os);
                    double hits = 0;
                    long t0 = System.nanoTime();
                    for (int qi = 0; qi < nq; qi++) {
                        OrdinalScorer scorer = Quantizers.scorer(q, spec, query[qi], codes);
                        hits += recall(rescore(topK(scorer, base.length, fetch), base, query[qi]), truth[qi]);
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(
                            Locale.ROOT,
                            "%-10s oversampling %.0f  recall@10 %.4f  code bytes %d (%.2fx float32)  scan time vs float32 %.2f%n",
                            s,
                            os,
                            hits / nq,
                            q.codeBytes(),
                            q.codeBytes() / (dim * 4.0),
                            sec / floatScanSec);
                }
            }
        }
    }

    static QuantizerSpec parse(String s) {
        if (s.startsWith("int8")) {
            return new QuantizerSpec.Scalar(s.contains(":") ? Float.parseFloat(s.substring(5)) : 1f, true);
        }
        if (s.startsWith("bq")) {
            BinaryQuantizer.Encoding e = s.equals("bq2")
                    ? BinaryQuantizer.Encoding.TWO_BITS
                    : s.equals("bq15") ? BinaryQuantizer.Encoding.ONE_AND_HALF_BITS : BinaryQuantizer.Encoding.ONE_BIT;
            return new QuantizerSpec.Binary(e, BinaryQuantizer.QueryEncoding.DEFAULT, true);
        }
        return new QuantizerSpec.Product(Integer.parseInt(s.substring(2)), true);
    }

    static double floatScan(float[][] base, float[][] query, int nq) {
        long t0 = System.nanoTime();
        long sink = 0;
        for (int qi = 0; qi < nq; qi++) {
            float[] q = query[qi];
            sink += topK(o -> Similarity.score(Distance.DOT, q, base[o]), base.length, 10)[0];
        }
        if (sink == 42) {
            System.out.println();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static int[] topK(OrdinalScorer scorer, int n, int k) {
        PriorityQueue<float[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a[0], b[0]));
        for (int o = 0; o < n; o++) {
            float s = scorer.score(o);
            if (heap.size() < k || s > heap.peek()[0]) {
                heap.add(new float[] {s, o});
                if (heap.size() > k) {
                    heap.poll();
                }
            }
        }
        return heap.stream().mapToInt(e -> (int) e[1]).toArray();
    }

    static List<Integer> rescore(int[] cands, float[][] base, float[] q) {
        List<Integer> ids = new ArrayList<>();
        for (int c : cands) {
            ids.add(c);
        }
        ids.sort((a, b) ->
                Float.compare(Similarity.score(Distance.DOT, q, base[b]), Similarity.score(Distance.DOT, q, base[a])));
        return ids.subList(0, Math.min(10, ids.size()));
    }

    static double recall(List<Integer> got, int[] truth) {
        Set<Integer> t = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            t.add(truth[i]);
        }
        int hit = 0;
        for (int g : got) {
            hit += t.contains(g) ? 1 : 0;
        }
        return hit / 10.0;
    }

    static float[][] normalize(float[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Similarity.normalize(rows[i]);
        }
        return rows;
    }

    static float[][] readF16(Path file, int dim) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[in.remaining() / (2 * dim)][dim];
        for (float[] row : rows) {
            for (int d = 0; d < dim; d++) {
                row[d] = Float.float16ToFloat(in.getShort());
            }
        }
        return rows;
    }

    static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> rows = new ArrayList<>();
        while (in.hasRemaining()) {
            int[] row = new int[in.getInt()];
            for (int i = 0; i < row.length; i++) {
                row[i] = in.getInt();
            }
            rows.add(row);
        }
        return rows.toArray(new int[0][]);
    }
}
