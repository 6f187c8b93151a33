package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.issues.IssueBoard;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /issues} fed by real findings: a search, scroll or count whose filter uses a payload
 * key without a serving index, on a collection with points, opens {@code
 * UNINDEXED_FIELD/<collection>/<key>} with the index request that solves it; creating an index on
 * the key, deleting the collection or {@code DELETE /issues} closes it.
 */
class IssuesApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @BeforeEach
    void clean() {
        for (String c : List.of("iss", "empty", "many")) {
            s.delete("/collections/" + c);
        }
        ok(s.call("DELETE", "/issues", null));
        ok(s.put("/collections/iss", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        ok(s.put("/collections/iss/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0], "payload": {"city": "Berlin", "n": 1, "indexed": "a"}},
                  {"id": 2, "vector": [0, 1], "payload": {"city": "London", "n": 2, "indexed": "b"}}]}"""));
        ok(s.put("/collections/iss/index?wait=true", "{\"field_name\": \"indexed\", \"field_schema\": \"keyword\"}"));
    }

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("result");
    }

    static JsonNode issues() {
        return ok(s.get("/issues")).get("issues");
    }

    static List<String> ids() {
        List<String> out = new ArrayList<>();
        issues().forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    static JsonNode issue(String id) {
        for (JsonNode i : issues()) {
            if (i.get("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no issue " + id + " in " + issues());
    }

    @Test
    void searchOnAnUnindexedKeywordOpensAnIssueWithTheIndexRequest() {
        assertThat(ids()).isEmpty();
        ok(s.post("/collections/iss/points/search", """
                {"vector": [1, 0], "limit": 3,
                 "filter": {"must": [{"key": "city", "match": {"any": ["London", "Moscow"]}}]}}"""));
        assertThat(ids()).containsExactly("UNINDEXED_FIELD/iss/city");
        JsonNode i = issue("UNINDEXED_FIELD/iss/city");
        assertThat(i.get("description").asText())
                .isEqualTo("Unindexed field 'city' might be slowing queries down in collection 'iss'");
        assertThat(i.get("related_collection").asText()).isEqualTo("iss");
        assertThat(i.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode sol = i.at("/solution/immediate");
        assertThat(sol.get("message").asText())
                .startsWith("Create an index on field 'city' of schema \"keyword\" in collection 'iss'.");
        assertThat(sol.at("/action/method").asText()).isEqualTo("PUT");
        assertThat(sol.at("/action/uri").asText()).isEqualTo("/collections/iss/index");
        assertThat(sol.at("/action/headers/content-type").asText()).isEqualTo("application/json");
        assertThat(sol.at("/action/body/field_name").asText()).isEqualTo("city");
        assertThat(sol.at("/action/body/field_schema").asText()).isEqualTo("keyword");

        // applying the proposed request solves it
        ok(s.put(
                "/collections/iss/index?wait=true",
                sol.get("action").get("body").toString()));
        assertThat(ids()).isEmpty();
    }

    @Test
    void indexedKeysAndEmptyCollectionsOpenNothing() {
        ok(s.post("/collections/iss/points/query", """
                {"query": [1, 0], "filter": {"must": [{"key": "indexed", "match": {"value": "a"}}]}}"""));
        ok(s.put("/collections/empty", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        ok(s.post(
                "/collections/empty/points/count",
                "{\"filter\": {\"must\": [{\"key\": \"city\", \"match\": {\"value\": \"x\"}}]}}"));
        ok(s.post("/collections/iss/points/count", "{\"filter\": {\"must\": [{\"has_id\": [1]}]}}"));
        assertThat(ids()).isEmpty();
    }

    @Test
    void scrollRangeOffersAChoiceAndCountAndPrefetchesAreChecked() {
        ok(s.post(
                "/collections/iss/points/scroll",
                "{\"filter\": {\"must\": [{\"key\": \"n\", \"range\": {\"gte\": 1}}]}}"));
        JsonNode choice = issue("UNINDEXED_FIELD/iss/n").at("/solution/immediate_choice");
        assertThat(choice.size()).isEqualTo(2);
        assertThat(choice.get(0).at("/action/body/field_schema").asText()).isEqualTo("float");
        assertThat(choice.get(1).at("/action/body/field_schema").asText()).isEqualTo("integer");

        ok(s.post("/collections/iss/points/count", """
                {"filter": {"must_not": [{"nested": {"key": "tags", "filter": {"must": [{"key": "x", "match": {"value": true}}]}}}]}}"""));
        assertThat(ids()).contains("UNINDEXED_FIELD/iss/tags[].x");
        assertThat(issue("UNINDEXED_FIELD/iss/tags[].x")
                        .at("/solution/immediate/action/body/field_schema")
                        .asText())
                .isEqualTo("bool");

        ok(s.post("/collections/iss/points/query", """
                {"prefetch": {"query": [1, 0], "filter": {"should": [{"key": "p", "match": {"value": 3}}]}},
                 "query": [0, 1]}"""));
        assertThat(ids()).contains("UNINDEXED_FIELD/iss/p");
    }

    @Test
    void deleteIssuesAndDeletingTheCollectionClearThem() {
        String filtered = "{\"filter\": {\"must\": [{\"key\": \"city\", \"match\": {\"value\": \"Berlin\"}}]}}";
        ok(s.post("/collections/iss/points/count", filtered));
        assertThat(ids()).containsExactly("UNINDEXED_FIELD/iss/city");
        assertThat(ok(s.call("DELETE", "/issues", null)).asBoolean()).isTrue();
        assertThat(ids()).isEmpty();

        ok(s.post("/collections/iss/points/count", filtered));
        assertThat(ids()).containsExactly("UNINDEXED_FIELD/iss/city");
        ok(s.delete("/collections/iss"));
        assertThat(ids()).isEmpty();

        // a new collection of the same name does not inherit the old one's issues
        ok(s.put("/collections/iss", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        assertThat(ids()).isEmpty();
    }

    @Test
    void theBoardIsBounded() {
        StringBuilder should = new StringBuilder();
        for (int i = 0; i < IssueBoard.MAX_ISSUES + 50; i++) {
            should.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i).append("\", \"match\": {\"value\": 1}}");
        }
        ok(s.post("/collections/iss/points/count", "{\"filter\": {\"should\": [" + should + "]}}"));
        assertThat(issues().size()).isEqualTo(IssueBoard.MAX_ISSUES);
    }
}
