package io.sextant.segment.text;

import io.sextant.vector.sparse.SparseVector;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Qdrant's local BM25 model: text → sparse vector, computed in the server. A token's dimension id
 * is {@link #tokenId}, the absolute value of its signed 32-bit MurmurHash3 (seed 0) over UTF-8, so
 * ids equal Qdrant's (and FastEmbed's) for the same tokens.
 *
 * <p>A document gets, per distinct token with {@code n} occurrences among {@code len} tokens, the
 * BM25 term-frequency weight {@code n (k + 1) / (k (1 - b + b len / avg_len) + n)}; the inverse
 * document frequency is left to the collection ({@code "modifier": "idf"} on the sparse vector). A
 * query gets weight 1 per distinct token. With the {@code prefix} tokenizer a document is weighted
 * over all its prefixes and a query over its words, as in Qdrant. Two tokens whose hashes collide
 * share one dimension: a query keeps it once, a document keeps the larger weight.
 *
 * <p>Immutable and thread-safe; {@link #of} does the setup once, each call then only analyzes.
 */
public final class Bm25Encoder {
    private final Bm25Options options;
    private final TextAnalyzer analyzer;
    private final double k;
    private final double b;
    private final double avgLen;

    private Bm25Encoder(Bm25Options options) {
        this.options = options;
        this.analyzer = TextAnalyzer.of(options.analysis());
        this.k = options.kOrDefault();
        this.b = options.bOrDefault();
        this.avgLen = options.avgLenOrDefault();
    }

    public static Bm25Encoder of(Bm25Options options) {
        return new Bm25Encoder(options == null ? Bm25Options.DEFAULT : options);
    }

    private static final int CACHE_LIMIT = 256;
    private static final java.util.concurrent.ConcurrentHashMap<Bm25Options, Bm25Encoder> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A shared encoder for {@code options}: requests repeat a handful of option sets, and building
     * the analyzer chain costs far more than encoding one text. At most {@value #CACHE_LIMIT} option
     * sets are kept (past that, encoders are built per call), so odd options cannot grow the heap.
     */
    public static Bm25Encoder forOptions(Bm25Options options) {
        Bm25Options key = options == null ? Bm25Options.DEFAULT : options;
        Bm25Encoder e = CACHE.get(key);
        if (e != null) {
            return e;
        }
        e = of(key);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(key, e);
        }
        return e;
    }

    public Bm25Options options() {
        return options;
    }

    /** The BM25 document vector of {@code text} (empty when no token survives analysis). */
    public SparseVector document(String text) {
        List<String> tokens = analyzer.documentTokens(text);
        if (tokens.isEmpty()) {
            return SparseVector.EMPTY;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String t : tokens) {
            counts.merge(t, 1, Integer::sum);
        }
        double norm = 1 - b + b * tokens.size() / avgLen;
        Map<Integer, Float> weights = new HashMap<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            double n = e.getValue();
            float tf = (float) (n * (k + 1) / Math.fma(k, norm, n));
            weights.merge(tokenId(e.getKey()), tf, Math::max);
        }
        int[] ids = new int[weights.size()];
        float[] values = new float[weights.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : weights.entrySet()) {
            ids[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return SparseVector.of(ids, values);
    }

    /** The BM25 query vector of {@code text}: weight 1 per distinct token. */
    public SparseVector query(String text) {
        LinkedHashSet<Integer> ids = new LinkedHashSet<>();
        for (String t : analyzer.queryWords(text)) {
            ids.add(tokenId(t));
        }
        int[] idx = new int[ids.size()];
        float[] values = new float[ids.size()];
        int i = 0;
        for (int id : ids) {
            idx[i] = id;
            values[i++] = 1f;
        }
        return ids.isEmpty() ? SparseVector.EMPTY : SparseVector.of(idx, values);
    }

    /**
     * The dimension id of a token: {@code |murmur3_x86_32(utf8(token), 0)|} taking the hash as a
     * signed 32-bit integer, an unsigned u32 held in an int (2^31 for {@code Integer.MIN_VALUE}).
     */
    public static int tokenId(String token) {
        int h = MurmurHash3.hash32(token.getBytes(StandardCharsets.UTF_8), 0);
        return h < 0 ? -h : h;
    }
}
