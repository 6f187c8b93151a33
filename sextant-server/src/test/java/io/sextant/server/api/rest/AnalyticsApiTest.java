package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP: {@code facet}, the distance matrix ({@code points/search/matrix/pairs|offsets}),
 * {@code match: {prefix}} with and without a keyword index, and the {@code formula} query, all
 * against hand-computed expectations on a small Dot collection.
 *
 * <p>Points (vector; payload): 1 [1, 0] {price 1, color red, url https://qdrant.tech}; 2 [3, 0]
 * {price 0.5, color blue, url [http://a.com, https://qdrant.tech/docs]}; 3 [0.1, 1] {color red,
 * url https://b.com}; 4 [0.5, 2] {price 5, color red}.
 */
class AnalyticsApiTest {
    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        ok(s.put("/collections/a", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        ok(s.put("/collections/a/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0], "payload": {"price": 1, "color": "red", "url": "https://qdrant.tech"}},
                  {"id": 2, "vector": [3, 0], "payload": {"price": 0.5, "color": "blue",
                      "url": ["http://a.com", "https://qdrant.tech/docs"]}},
                  {"id": 3, "vector": [0.1, 1], "payload": {"color": "red", "url": "https://b.com"}},
                  {"id": 4, "vector": [0.5, 2], "payload": {"price": 5, "color": "red"}}
                ]}"""));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("result");
    }

    static List<Long> ids(JsonNode points) {
        List<Long> out = new ArrayList<>();
        points.forEach(p -> out.add(p.get("id").asLong()));
        return out;
    }

    // ---------------------------------------------------------------- facet

    @Test
    void facetCountsIndexedValuesOfMatchingPoints() {
        ok(s.put("/collections/a/index?wait=true", "{\"field_name\": \"color\", \"field_schema\": \"keyword\"}"));
        JsonNode hits = ok(s.post("/collections/a/facet", "{\"key\": \"color\"}"));
        assertThat(hits.toString())
                .isEqualTo("{\"hits\":[{\"value\":\"red\",\"count\":3},{\"value\":\"blue\",\"count\":1}]}");
        JsonNode filtered = ok(s.post(
                "/collections/a/facet",
                "{\"key\": \"color\", \"limit\": 1, \"filter\": {\"must\": {\"has_id\": [2, 3]}}}"));
        assertThat(filtered.toString()).isEqualTo("{\"hits\":[{\"value\":\"blue\",\"count\":1}]}");

        Response noIndex = s.post("/collections/a/facet", "{\"key\": \"price\"}");
        assertThat(noIndex.status()).isEqualTo(400);
        assertThat(noIndex.json().at("/status/error").asText()).contains("No appropriate index for faceting: `price`");
        assertThat(s.post("/collections/a/facet", "{\"key\": \"color\", \"limit\": 0}")
                        .status())
                .isEqualTo(400);
    }

    // ---------------------------------------------------------------- distance matrix

    @Test
    void matrixPairsHoldEachPointsNearestOthers() {
        // Dot products: 1·2 = 3, 1·3 = 0.1, 1·4 = 0.5, 2·3 = 0.3, 2·4 = 1.5, 3·4 = 2.05
        JsonNode pairs = ok(s.post("/collections/a/points/search/matrix/pairs", "{\"sample\": 10, \"limit\": 2}"))
                .get("pairs");
        long[][] expected = {{1, 2}, {1, 4}, {2, 1}, {2, 4}, {3, 4}, {3, 2}, {4, 3}, {4, 2}};
        double[] scores = {3, 0.5, 3, 1.5, 2.05, 0.3, 2.05, 1.5};
        assertThat(pairs.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(pairs.get(i).get("a").asLong()).as("pair %d", i).isEqualTo(expected[i][0]);
            assertThat(pairs.get(i).get("b").asLong()).as("pair %d", i).isEqualTo(expected[i][1]);
            assertThat(pairs.get(i).get("score").asDouble()).isCloseTo(scores[i], within(1e-5));
        }
    }

    @Test
    void matrixOffsetsIndexIntoTheSortedSample() {
        JsonNode m = ok(s.post("/collections/a/points/search/matrix/offsets", "{\"limit\": 1}"));
        assertThat(m.get("ids").toString()).isEqualTo("[1,2,3,4]");
        assertThat(m.get("offsets_row").toString()).isEqualTo("[0,1,2,3]");
        assertThat(m.get("offsets_col").toString()).isEqualTo("[1,0,3,2]");
        assertThat(m.get("scores").get(2).asDouble()).isCloseTo(2.05, within(1e-5));
    }

    @Test
    void matrixSamplesTheFilterAndChecksTheVectorName() {
        JsonNode two = ok(s.post(
                "/collections/a/points/search/matrix/pairs",
                "{\"sample\": 5, \"limit\": 3, \"filter\": {\"must\": {\"has_id\": [1, 3]}}}"));
        assertThat(two.toString()).contains("{\"a\":1,\"b\":3,").contains("{\"a\":3,\"b\":1,");
        assertThat(two.get("pairs").size()).isEqualTo(2);
        JsonNode small = ok(s.post("/collections/a/points/search/matrix/offsets", "{\"sample\": 2, \"limit\": 5}"));
        assertThat(small.get("ids").size()).isEqualTo(2);
        assertThat(small.get("offsets_col").toString()).isEqualTo("[1,0]");
        assertThat(ok(s.post("/collections/a/points/search/matrix/pairs", "{\"sample\": 0}"))
                        .toString())
                .isEqualTo("{\"pairs\":[]}");
        assertThat(s.post("/collections/a/points/search/matrix/pairs", "{\"using\": \"nope\"}")
                        .status())
                .isEqualTo(400);
    }

    // ---------------------------------------------------------------- prefix match

    private static List<Long> scrollPrefix(String prefix) {
        return ids(ok(s.post(
                        "/collections/a/points/scroll",
                        "{\"filter\": {\"must\": {\"key\": \"url\", \"match\": {\"prefix\": \"" + prefix + "\"}}}}"))
                .get("points"));
    }

    @Test
    void prefixMatchWithAndWithoutIndex() {
        Runnable check = () -> {
            assertThat(scrollPrefix("https://qdrant.")).containsExactly(1L, 2L);
            assertThat(scrollPrefix("http")).containsExactly(1L, 2L, 3L);
            assertThat(scrollPrefix("http://")).containsExactly(2L);
            assertThat(scrollPrefix("")).containsExactly(1L, 2L, 3L);
            assertThat(scrollPrefix("x")).isEmpty();
        };
        check.run();
        ok(s.put(
                "/collections/a/index?wait=true",
                "{\"field_name\": \"url\", \"field_schema\": {\"type\": \"keyword\", \"prefix\": true}}"));
        JsonNode schema = ok(s.get("/collections/a")).at("/payload_schema/url");
        assertThat(schema.get("data_type").asText()).isEqualTo("keyword");
        assertThat(schema.at("/params/prefix").asBoolean()).isTrue();
        check.run();
        JsonNode count = ok(s.post(
                "/collections/a/points/count",
                "{\"exact\": true, \"filter\": {\"must\": {\"key\": \"url\", \"match\": {\"prefix\": \"https\"}}}}"));
        assertThat(count.get("count").asLong()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- formula

    private static final String FORMULA = "{\"sum\": [\"$score\", {\"mult\": [\"price\", 2]},"
            + " {\"key\": \"color\", \"match\": {\"value\": \"red\"}}]}";

    private static Response formula(String extra) {
        return s.post(
                "/collections/a/points/query",
                "{\"prefetch\": {\"query\": [1, 0], \"limit\": 10}," + " \"query\": {\"formula\": " + FORMULA
                        + ", \"defaults\": {\"price\": 0}}" + extra + "}");
    }

    @Test
    void formulaRescoresPrefetchResults() {
        // $score = x coordinate: 1: 1 + 2 + 1 = 4; 2: 3 + 1 + 0 = 4 -> tie by id; 3: 0.1 + 0 + 1 = 1.1;
        // 4: 0.5 + 10 + 1 = 11.5
        JsonNode points = ok(formula(", \"with_payload\": [\"price\"]")).get("points");
        assertThat(ids(points)).containsExactly(4L, 1L, 2L, 3L);
        double[] scores = {11.5, 4, 4, 1.1};
        for (int i = 0; i < scores.length; i++) {
            assertThat(points.get(i).get("score").asDouble()).isCloseTo(scores[i], within(1e-5));
        }
        assertThat(points.get(0).at("/payload/price").asInt()).isEqualTo(5);
        assertThat(ids(ok(formula(", \"score_threshold\": 4")).get("points"))).containsExactly(4L, 1L, 2L);
        assertThat(ids(ok(formula(", \"limit\": 2, \"offset\": 1")).get("points")))
                .containsExactly(1L, 2L);
    }

    @Test
    void formulaOverTwoPrefetchesAndDecay() {
        // $score[1] comes from a prefetch holding only points 3 and 4 (query [0, 1]: scores 1 and 2)
        JsonNode points = ok(s.post("/collections/a/points/query", """
                {"prefetch": [{"query": [1, 0], "limit": 10}, {"query": [0, 1], "limit": 2}],
                 "query": {"formula": {"sum": ["$score[1]",
                     {"lin_decay": {"x": "$score", "target": 3, "scale": 2}}]},
                   "defaults": {"$score[1]": -1}}}""")).get("points");
        // lin_decay with midpoint 0.5, scale 2: 1 - 0.25 * |x - 3|
        // 1: -1 + 0.5 = -0.5; 2: -1 + 1 = 0; 3: 1 + (1 - 0.725) = 1.275; 4: 2 + (1 - 0.625) = 2.375
        assertThat(ids(points)).containsExactly(4L, 3L, 2L, 1L);
        assertThat(points.get(1).get("score").asDouble()).isCloseTo(1.275, within(1e-5));
        assertThat(points.get(3).get("score").asDouble()).isCloseTo(-0.5, within(1e-5));
    }

    @Test
    void formulaErrorsAreBadRequests() {
        Response noDefault = s.post(
                "/collections/a/points/query",
                "{\"prefetch\": {\"query\": [1, 0]}," + " \"query\": {\"formula\": {\"mult\": [\"price\", 1]}}}");
        assertThat(noDefault.status()).isEqualTo(400);
        assertThat(noDefault.json().at("/status/error").asText())
                .contains("Expected number value for price")
                .contains("No value found in a payload nor defaults");
        assertThat(s.post("/collections/a/points/query", "{\"query\": {\"formula\": \"$score\"}}")
                        .status())
                .as("no prefetch")
                .isEqualTo(400);
        assertThat(s.post(
                                "/collections/a/points/query",
                                "{\"prefetch\": {\"query\": [1, 0]}, \"query\": {\"formula\": \"$foo\"}}")
                        .status())
                .isEqualTo(400);
        assertThat(s.post(
                                "/collections/a/points/query",
                                "{\"prefetch\": {\"query\": [1, 0]}, \"query\": {\"formula\":"
                                        + " {\"exp_decay\": {\"x\": 1, \"midpoint\": 1.5}}}}")
                        .status())
                .isEqualTo(400);
        Response div = s.post(
                "/collections/a/points/query",
                "{\"prefetch\": {\"query\": [1, 0]}, \"query\": {\"formula\": {\"div\": {\"left\": 1, \"right\": 0}}}}");
        assertThat(div.status()).isEqualTo(400);
        assertThat(div.json().at("/status/error").asText()).contains("1/0 = inf");
    }
}
