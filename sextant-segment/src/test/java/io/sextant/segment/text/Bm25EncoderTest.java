package io.sextant.segment.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * BM25 vectors against hand-computed weights and token ids computed by an independent Python
 * MurmurHash3 (|signed hash|, seed 0), as Qdrant's {@code bm25::token_id}.
 */
class Bm25EncoderTest {
    private static final Bm25Encoder DEFAULT = Bm25Encoder.of(Bm25Options.DEFAULT);

    private static Map<Long, Float> entries(SparseVector v) {
        Map<Long, Float> m = new TreeMap<>();
        for (int i = 0; i < v.size(); i++) {
            m.put(Integer.toUnsignedLong(v.indices()[i]), v.values()[i]);
        }
        return m;
    }

    private static Bm25Options plain(Double k, Double b, Double avgLen) {
        return new Bm25Options(
                k,
                b,
                avgLen,
                null,
                null,
                null,
                null,
                TextAnalysisOptions.Stopwords.set(List.of(), List.of()),
                TextAnalysisOptions.Stemmer.NONE,
                null,
                null);
    }

    @Test
    void tokenIdsAreQdrants() {
        assertThat(Bm25Encoder.tokenId("hello")).isEqualTo(613153351);
        assertThat(Bm25Encoder.tokenId("world"))
                .as("negative hash, absolute value")
                .isEqualTo(74040069);
        assertThat(Bm25Encoder.tokenId("мир")).isEqualTo(1235207278);
        assertThat(Bm25Encoder.tokenId("fear")).isEqualTo(1432942394);
        assertThat(Bm25Encoder.tokenId("the")).isEqualTo(1132748958);
        assertThat(Bm25Encoder.tokenId("run")).isEqualTo(243905464);
    }

    @Test
    void qdrantReferenceWeight() {
        // Qdrant's lib/bm25 reference: "the" twice among 5 tokens, k 1.2, b 0.75, avg_len 5 -> 1.375
        SparseVector v = Bm25Encoder.of(plain(null, null, 5.0)).document("the cat sat on the");
        Map<Long, Float> m = entries(v);
        assertThat(m).hasSize(4);
        assertThat(m.get(1132748958L)).isCloseTo(1.375f, within(1e-6f));
        assertThat(m.get(1751422759L)).as("cat, once").isCloseTo(1.0f, within(1e-6f));
    }

    @Test
    void defaultsDropEnglishStopWordsAndStem() {
        // fear, mind, killer, fear (is, the dropped): len 4, avg 256
        Map<Long, Float> m = entries(DEFAULT.document("Fear is the mind-killer. Fear!"));
        assertThat(m.keySet()).containsExactlyInAnyOrder(1432942394L, 418093614L, 627261019L);
        assertThat(m.get(1432942394L)).isCloseTo(1.9014180f, within(1e-6f));
        assertThat(m.get(418093614L)).isCloseTo(1.6741974f, within(1e-6f));
        // running, runs, run all stem to run: n 3, len 3
        Map<Long, Float> run = entries(DEFAULT.document("Running runs run"));
        assertThat(run).containsOnlyKeys(243905464L);
        assertThat(run.get(243905464L)).isCloseTo(1.9936283f, within(1e-6f));
    }

    @Test
    void customParameters() {
        Map<Long, Float> m = entries(Bm25Encoder.of(plain(2.0, 0.5, 10.0)).document("fear mind fear killer"));
        assertThat(m.get(1432942394L)).isCloseTo(1.7647059f, within(1e-6f));
        assertThat(m.get(418093614L)).isCloseTo(1.25f, within(1e-6f));
    }

    @Test
    void queryIsOnePerDistinctToken() {
        SparseVector q = DEFAULT.query("Fear the FEAR, fearing minds");
        assertThat(entries(q)).isEqualTo(Map.of(1432942394L, 1f, 418093614L, 1f));
        assertThat(DEFAULT.query("the and of")).isEqualTo(SparseVector.EMPTY);
        assertThat(DEFAULT.document("")).isEqualTo(SparseVector.EMPTY);
    }

    @Test
    void disabledStemmerKeepsWordsApart() {
        // Qdrant's disabled_stemmer_suppresses_language_default
        assertThat(DEFAULT.document("running run").size()).isEqualTo(1);
        Bm25Options off = new Bm25Options(
                null, null, null, null, null, null, null, null, TextAnalysisOptions.Stemmer.NONE, null, null);
        assertThat(Bm25Encoder.of(off).document("running run").size()).isEqualTo(2);
    }

    @Test
    void unknownLanguageTurnsOffStemmingAndStopWords() {
        Bm25Options none = new Bm25Options(null, null, null, null, "none", null, null, null, null, null, null);
        assertThat(Bm25Encoder.of(none).query("the running").size()).isEqualTo(2);
        Bm25Options german = new Bm25Options(null, null, null, null, "de", null, null, null, null, null, null);
        assertThat(entries(Bm25Encoder.of(german).query("der Hund und the")))
                .as("german stop words, english 'the' kept")
                .hasSize(2);
    }

    @Test
    void prefixDocumentsWeighAllPrefixesQueriesTheWord() {
        Bm25Options prefix =
                new Bm25Options(null, null, null, TokenizerKind.PREFIX, null, null, null, null, null, null, null);
        Bm25Encoder enc = Bm25Encoder.of(prefix);
        // hello -> h, he, hel, hell, hello (5 tokens, each once)
        assertThat(entries(enc.document("hello")).keySet())
                .containsExactlyInAnyOrder(729632045L, 2020321539L, 173395898L, 1587029005L, 613153351L);
        assertThat(entries(enc.query("hel"))).isEqualTo(Map.of(173395898L, 1f));
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> plain(-1.0, null, null))
                .hasMessageContaining("k1")
                .hasMessageContaining("-1.0");
        assertThatThrownBy(() -> plain(null, 1.5, null))
                .hasMessageContaining("b ")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> plain(null, null, 0.0)).hasMessageContaining("avg_doc_len");
        assertThatThrownBy(() -> plain(null, null, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedAcrossThreads() throws Exception {
        SparseVector expected = DEFAULT.document("the quick brown fox jumps over the lazy dog");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<SparseVector>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> DEFAULT.document("the quick brown fox jumps over the lazy dog")));
            }
            for (Future<SparseVector> f : futures) {
                assertThat(f.get()).isEqualTo(expected);
            }
        }
    }
}
