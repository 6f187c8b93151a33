package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Full-text index schemas with {@code ascii_folding}, {@code stopwords} and {@code stemmer}, parsed and shown back. */
class IndexJsonTextTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static PayloadIndexSpec parse(String schema) throws Exception {
        return IndexJson.parseSchema(M.readTree(schema), "field_schema");
    }

    @Test
    void parsesAndShowsBackQdrantsForms() throws Exception {
        PayloadIndexSpec spec = parse("""
                {"type": "text", "tokenizer": "word", "lowercase": true, "ascii_folding": true,
                 "stopwords": {"languages": ["spanish", "en"], "custom": ["The", "a"]},
                 "stemmer": {"type": "snowball", "language": "english"}}
                """);
        assertThat(spec.text())
                .isEqualTo(new TextIndexParams(
                        "word",
                        true,
                        null,
                        null,
                        null,
                        true,
                        Stopwords.set(List.of("english", "spanish"), List.of("The", "a")),
                        Stemmer.snowball("english")));
        assertThat(M.readTree(IndexJson.writeParams(spec).toString())).isEqualTo(M.readTree("""
                        {"type": "text", "tokenizer": "word", "lowercase": true, "ascii_folding": true,
                         "stopwords": {"languages": ["english", "spanish"], "custom": ["The", "a"]},
                         "stemmer": {"type": "snowball", "language": "english"}}
                        """));
        PayloadIndexSpec shortForm =
                parse("{\"type\": \"text\", \"stopwords\": \"de\", \"stemmer\": {\"type\": \"none\"}}");
        assertThat(IndexJson.writeParams(shortForm).get("stopwords").textValue())
                .isEqualTo("german");
        assertThat(IndexJson.writeParams(shortForm).get("stemmer").toString()).isEqualTo("{\"type\":\"none\"}");
        assertThat(IndexJson.writeParams(parse("{\"type\": \"text\"}")).has("stopwords"))
                .isFalse();
    }

    @Test
    void rejectsUnknownLanguagesAndWrongTypes() {
        for (String bad : List.of(
                "{\"type\": \"text\", \"stopwords\": \"klingon\"}",
                "{\"type\": \"text\", \"stopwords\": 5}",
                "{\"type\": \"text\", \"stopwords\": {\"custom\": [1]}}",
                "{\"type\": \"text\", \"stemmer\": {\"type\": \"snowball\", \"language\": \"klingon\"}}",
                "{\"type\": \"text\", \"stemmer\": {\"type\": \"porter\"}}",
                "{\"type\": \"text\", \"ascii_folding\": \"yes\"}")) {
            assertThatThrownBy(() -> parse(bad))
                    .as(bad)
                    .isInstanceOf(UserException.class)
                    .hasMessageStartingWith("Format error in JSON body: field_schema.");
        }
        assertThatThrownBy(() -> parse("{\"type\": \"text\", \"stopwords\": \"klingon\"}"))
                .hasMessageContaining("klingon")
                .hasMessageContaining("untagged enum StopwordsInterface");
    }
}
