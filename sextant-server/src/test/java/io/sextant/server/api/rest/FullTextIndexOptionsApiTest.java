package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-text index options over REST: {@code stopwords}, {@code stemmer} and {@code ascii_folding}
 * change what {@code match.text} finds, show in {@code payload_schema}, and survive a restart.
 */
class FullTextIndexOptionsApiTest {

    @TempDir
    Path storage;

    private static List<Integer> matching(TestServer s, String text) {
        Response r = s.post(
                "/collections/docs/points/scroll",
                "{\"filter\": {\"must\": [{\"key\": \"title\", \"match\": {\"text\": \"" + text
                        + "\"}}]}, \"limit\": 10}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<Integer> ids = new ArrayList<>();
        r.json().at("/result/points").forEach(p -> ids.add(p.get("id").asInt()));
        return ids.stream().sorted().toList();
    }

    @Test
    void optionsShapeMatchesShowInSchemaAndPersist() {
        try (TestServer s = TestServer.start(storage)) {
            s.put("/collections/docs", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
            Response up = s.put("/collections/docs/points?wait=true", """
                    {"points": [
                      {"id": 1, "vector": [1, 0], "payload": {"title": "The runners were running to the Café"}},
                      {"id": 2, "vector": [0, 1], "payload": {"title": "LAZY sentinel"}}]}
                    """);
            assertThat(up.status()).as(up.text()).isEqualTo(200);
            Response idx = s.put("/collections/docs/index?wait=true", """
                    {"field_name": "title", "field_schema": {"type": "text", "tokenizer": "word",
                     "ascii_folding": true, "stopwords": {"languages": ["english"], "custom": ["sentinel"]},
                     "stemmer": {"type": "snowball", "language": "english"}}}
                    """);
            assertThat(idx.status()).as(idx.text()).isEqualTo(200);
            assertThat(matching(s, "run")).containsExactly(1);
            assertThat(matching(s, "cafe")).containsExactly(1);
            assertThat(matching(s, "the")).as("stop words only: nothing").isEmpty();
            assertThat(matching(s, "lazy sentinel")).containsExactly(2);

            JsonNode params = s.get("/collections/docs").json().at("/result/payload_schema/title/params");
            assertThat(params.get("ascii_folding").asBoolean()).isTrue();
            assertThat(params.at("/stopwords/languages/0").asText()).isEqualTo("english");
            assertThat(params.at("/stopwords/custom/0").asText()).isEqualTo("sentinel");
            assertThat(params.at("/stemmer/language").asText()).isEqualTo("english");

            Response bad = s.put(
                    "/collections/docs/index",
                    "{\"field_name\": \"other\", \"field_schema\": {\"type\": \"text\", \"stopwords\": \"klingon\"}}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().at("/status/error").asText()).contains("klingon");
        }
        try (TestServer s = TestServer.start(storage)) {
            assertThat(s.get("/collections/docs")
                            .json()
                            .at("/result/payload_schema/title/params/stemmer/type")
                            .asText())
                    .isEqualTo("snowball");
            assertThat(matching(s, "runs")).containsExactly(1);
            assertThat(matching(s, "CAFÉ")).containsExactly(1);
        }
    }
}
