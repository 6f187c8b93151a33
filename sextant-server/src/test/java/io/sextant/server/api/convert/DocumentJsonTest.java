package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.segment.error.UserException;
import io.sextant.segment.text.Bm25Encoder;
import io.sextant.segment.text.Bm25Options;
import io.sextant.segment.text.TextAnalysisOptions;
import io.sextant.segment.text.TokenizerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Documents ({@code {"text", "model", "options"}}) as Qdrant parses them for its local BM25 model. */
class DocumentJsonTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    private static DocumentJson.Document parse(String s) throws Exception {
        return DocumentJson.parse(json(s), "vector");
    }

    @Test
    void tellsDocumentsFromSparseVectors() throws Exception {
        assertThat(DocumentJson.isDocument(json("{\"text\": \"hi\", \"model\": \"qdrant/bm25\"}")))
                .isTrue();
        assertThat(DocumentJson.isDocument(json("{\"indices\": [1], \"values\": [0.5]}")))
                .isFalse();
        assertThat(DocumentJson.isDocument(json("[0.1, 0.2]"))).isFalse();
        assertThat(DocumentJson.isDocument(null)).isFalse();
    }

    @Test
    void defaultsWhenNoOptions() throws Exception {
        DocumentJson.Document d = parse("{\"text\": \"Fear is the mind-killer\", \"model\": \"qdrant/bm25\"}");
        assertThat(d.text()).isEqualTo("Fear is the mind-killer");
        assertThat(d.bm25()).isEqualTo(Bm25Options.DEFAULT);
        assertThat(d.bm25().analysis().stopwords()).isEqualTo(TextAnalysisOptions.Stopwords.language("english"));
        assertThat(d.bm25().analysis().stemmer()).isEqualTo(TextAnalysisOptions.Stemmer.snowball("english"));
        assertThat(parse("{\"text\": \"x\", \"model\": \"qdrant/bm25\", \"options\": null}")
                        .bm25())
                .isEqualTo(Bm25Options.DEFAULT);
    }

    @Test
    void modelNameIsCaseInsensitive() throws Exception {
        for (String model : List.of("qdrant/bm25", "Qdrant/BM25", "bm25", "BM25")) {
            assertThat(parse("{\"text\": \"x\", \"model\": \"" + model + "\"}").model())
                    .isEqualTo(model);
        }
        assertThatThrownBy(() -> parse("{\"text\": \"x\", \"model\": \"sentence-transformers/all-MiniLM-L6-v2\"}"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("all-MiniLM-L6-v2")
                .hasMessageContaining("qdrant/bm25");
    }

    @Test
    void everyOption() throws Exception {
        DocumentJson.Document d = parse("""
                {"text": "x", "model": "qdrant/bm25", "options": {
                  "k": 1, "b": 0.5, "avg_len": 100, "tokenizer": "prefix", "language": "german",
                  "lowercase": false, "ascii_folding": true, "stopwords": {"languages": ["en"], "custom": ["foo"]},
                  "stemmer": {"type": "none"}, "min_token_len": 2, "max_token_len": 9, "unknown_option": [1]}}
                """);
        assertThat(d.bm25())
                .isEqualTo(new Bm25Options(
                        1.0,
                        0.5,
                        100.0,
                        TokenizerKind.PREFIX,
                        "german",
                        false,
                        true,
                        TextAnalysisOptions.Stopwords.set(List.of("english"), List.of("foo")),
                        TextAnalysisOptions.Stemmer.NONE,
                        2,
                        9));
        assertThat(parse("{\"text\": \"x\", \"model\": \"bm25\", \"options\": {\"stopwords\": \"french\","
                                + " \"stemmer\": {\"type\": \"snowball\", \"language\": \"fr\"}}}")
                        .bm25()
                        .analysis())
                .extracting(TextAnalysisOptions::stopwords, TextAnalysisOptions::stemmer)
                .containsExactly(
                        TextAnalysisOptions.Stopwords.language("french"),
                        TextAnalysisOptions.Stemmer.snowball("french"));
    }

    @Test
    void rejectsWhatQdrantRejects() {
        record Case(String options, String message) {}
        for (Case c : List.of(
                new Case("{\"k\": \"high\"}", "Invalid BM25 config: invalid type: string \"high\", expected f64"),
                new Case("{\"k\": -1}", "BM25 k1 must be finite and >= 0, got -1.0"),
                new Case("{\"b\": 2}", "BM25 b must be finite and in [0.0, 1.0], got 2.0"),
                new Case("{\"avg_len\": 0}", "BM25 avg_doc_len must be finite and > 0, got 0.0"),
                new Case("{\"tokenizer\": \"ngram\"}", "unknown variant `ngram`"),
                new Case("{\"lowercase\": \"yes\"}", "expected a boolean"),
                new Case("{\"min_token_len\": -1}", "expected usize"),
                new Case("{\"stopwords\": \"klingon\"}", "untagged enum StopwordsInterface"),
                new Case("{\"stopwords\": {\"languages\": \"english\"}}", "untagged enum StopwordsInterface"),
                new Case(
                        "{\"stemmer\": {\"type\": \"snowball\", \"language\": \"hebrew\"}}",
                        "untagged enum StemmingAlgorithm"),
                new Case("{\"stemmer\": \"english\"}", "untagged enum StemmingAlgorithm"),
                new Case(
                        "{\"min_token_len\": 5, \"max_token_len\": 2}",
                        "min_token_len 5 is greater than max_token_len 2"))) {
            assertThatThrownBy(() ->
                            parse("{\"text\": \"x\", \"model\": \"qdrant/bm25\", \"options\": " + c.options() + "}"))
                    .as(c.options())
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining(c.message())
                    .extracting(e -> ((UserException) e).kind())
                    .isEqualTo(UserException.Kind.BAD_REQUEST);
        }
        assertThatThrownBy(() -> parse("{\"model\": \"qdrant/bm25\"}")).hasMessageContaining("missing field `text`");
        assertThatThrownBy(() -> parse("{\"text\": 5, \"model\": \"qdrant/bm25\"}"))
                .hasMessageContaining("vector.text");
        assertThatThrownBy(() -> parse("{\"text\": \"x\", \"model\": \"qdrant/bm25\", \"options\": []}"))
                .hasMessageContaining("vector.options");
    }

    @Test
    void parsedOptionsDriveTheEncoder() throws Exception {
        DocumentJson.Document d = parse("{\"text\": \"the cat sat on the\", \"model\": \"qdrant/bm25\", \"options\": "
                + "{\"avg_len\": 5, \"stopwords\": {}, \"stemmer\": {\"type\": \"none\"}}}");
        var v = Bm25Encoder.of(d.bm25()).document(d.text());
        int the = 1132748958; // |murmur3("the")|, from an independent Python implementation
        int at = java.util.Arrays.binarySearch(v.indices(), the);
        assertThat(v.values()[at]).isEqualTo(1.375f);
    }
}
