package io.sextant.bench.sparse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.vector.sparse.SparseVector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The BM25 workload of the sparse bench: the {@code gloss} of every line of a data set's {@code
 * base.jsonl} (documents) and {@code query.jsonl} (queries), tokenized by Lucene's {@link
 * EnglishAnalyzer}, each token mapped to a u32 dimension id by a 32-bit hash of its UTF-8 bytes
 * (murmur3, seed 0; colliding tokens share a dimension).
 *
 * <p>Document weight of a term: BM25's term-frequency part {@code tf (k1 + 1) / (tf + k1 (1 - b + b
 * len / avgLen))}, {@code k1 = 1.2, b = 0.75}, {@code len} = tokens in the document, {@code
 * avgLen} over the documents with at least one token. Query weight of each distinct query term:
 * {@code idf = ln(1 + (N - df + 0.5) / (df + 0.5))}, {@code N} = documents with a token; a term no
 * document has is left out. A stand-in for the real encoder ({@code Bm25Encoder}); immutable after
 * loading.
 */
final class Bm25Corpus {
    static final float K1 = 1.2f;
    static final float B = 0.75f;

    /** Tokens of each document, in order (for Lucene). */
    final List<List<String>> docTokens;
    /** Distinct tokens of each query (for Lucene). */
    final List<List<String>> queryTokens;

    final SparseVector[] docs;
    final SparseVector[] queries;
    final long postings;

    private Bm25Corpus(List<List<String>> docTokens, List<List<String>> queryTokens) {
        this.docTokens = docTokens;
        this.queryTokens = queryTokens;
        int n = docTokens.size();
        long totalLen = 0;
        int nonEmpty = 0;
        Map<Integer, Integer> df = new HashMap<>();
        List<Map<Integer, Integer>> tfs = new ArrayList<>(n);
        for (List<String> tokens : docTokens) {
            Map<Integer, Integer> tf = new LinkedHashMap<>();
            for (String token : tokens) {
                tf.merge(dimId(token), 1, Integer::sum);
            }
            tfs.add(tf);
            totalLen += tokens.size();
            nonEmpty += tokens.isEmpty() ? 0 : 1;
            for (Integer id : tf.keySet()) {
                df.merge(id, 1, Integer::sum);
            }
        }
        float avgLen = (float) totalLen / Math.max(1, nonEmpty);
        this.docs = new SparseVector[n];
        long count = 0;
        for (int i = 0; i < n; i++) {
            Map<Integer, Integer> tf = tfs.get(i);
            int[] ids = new int[tf.size()];
            float[] weights = new float[tf.size()];
            int j = 0;
            float norm = K1 * (1 - B + B * docTokens.get(i).size() / avgLen);
            for (Map.Entry<Integer, Integer> e : tf.entrySet()) {
                ids[j] = e.getKey();
                float f = e.getValue();
                weights[j++] = f * (K1 + 1) / (f + norm);
            }
            docs[i] = SparseVector.of(ids, weights);
            count += ids.length;
        }
        this.postings = count;
        this.queries = new SparseVector[queryTokens.size()];
        for (int i = 0; i < queries.length; i++) {
            Map<Integer, Float> idf = new LinkedHashMap<>();
            for (String token : queryTokens.get(i)) {
                int id = dimId(token);
                Integer f = df.get(id);
                if (f != null) {
                    idf.put(id, (float) Math.log(1 + (nonEmpty - f + 0.5) / (f + 0.5)));
                }
            }
            int[] ids = idf.keySet().stream().mapToInt(Integer::intValue).toArray();
            float[] weights = new float[ids.length];
            for (int j = 0; j < ids.length; j++) {
                weights[j] = idf.get(ids[j]);
            }
            queries[i] = SparseVector.of(ids, weights);
        }
    }

    /** Reads and analyzes {@code base.jsonl} and {@code query.jsonl} of {@code dir}. */
    static Bm25Corpus load(Path dir) throws IOException {
        try (Analyzer analyzer = new EnglishAnalyzer()) {
            List<List<String>> docs = analyze(analyzer, glosses(dir.resolve("base.jsonl")), false);
            List<List<String>> queries = analyze(analyzer, glosses(dir.resolve("query.jsonl")), true);
            return new Bm25Corpus(docs, queries);
        }
    }

    private static List<String> glosses(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    out.add(json.readTree(line).path("gloss").asText(""));
                }
            }
        }
        return out;
    }

    private static List<List<String>> analyze(Analyzer analyzer, List<String> texts, boolean distinct) {
        List<List<String>> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            List<String> tokens = new ArrayList<>();
            try (TokenStream ts = analyzer.tokenStream("gloss", text)) {
                CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                ts.reset();
                while (ts.incrementToken()) {
                    String t = term.toString();
                    if (!distinct || !tokens.contains(t)) {
                        tokens.add(t);
                    }
                }
                ts.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(tokens);
        }
        return out;
    }

    /** The u32 dimension id of a token: murmur3 (x86, 32-bit, seed 0) of its UTF-8 bytes. */
    static int dimId(String token) {
        return io.sextant.segment.text.MurmurHash3.hash32(token.getBytes(StandardCharsets.UTF_8), 0);
    }
}
