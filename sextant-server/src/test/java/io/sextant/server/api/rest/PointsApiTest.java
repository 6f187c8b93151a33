package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointsApiTest {

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

    private static void create(String name) {
        Response r = s.put("/collections/" + name, "{\"vectors\": {\"size\": 3, \"distance\": \"Dot\"}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static long count(String name) {
        return s.post("/collections/" + name + "/points/count", "{\"exact\": true}")
                .json()
                .at("/result/count")
                .asLong();
    }

    @Test
    void upsertListAndBatchFormsThenGet() {
        create("up");
        Response list = s.put("/collections/up/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0, 0], "payload": {"city": "London", "n": 1}},
                  {"id": "550e8400-e29b-41d4-a716-446655440000", "vector": [0, 1, 0]},
                  {"id": 18446744073709551615, "vector": [0, 0, 1], "payload": {"big": true}}
                ]}
                """);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        assertThat(list.json().at("/result/status").asText()).isEqualTo("completed");
        assertThat(list.json().at("/result/operation_id").isIntegralNumber()).isTrue();
        Response batch = s.put(
                "/collections/up/points",
                "{\"batch\": {\"ids\": [10, 11], \"vectors\": [[1,1,1],[2,2,2]], \"payloads\": [{\"a\": 1}, null]}}");
        assertThat(batch.status()).as(batch.text()).isEqualTo(200);
        assertThat(batch.json().at("/result/status").asText()).isEqualTo("acknowledged");
        assertThat(count("up")).isEqualTo(5);

        Response one = s.get("/collections/up/points/18446744073709551615");
        assertThat(one.status()).as(one.text()).isEqualTo(200);
        assertThat(one.text()).contains("\"id\":18446744073709551615");
        assertThat(one.json().at("/result/payload/big").asBoolean()).isTrue();
        assertThat(one.json().at("/result/vector").size()).isEqualTo(3);

        Response uuid = s.get("/collections/up/points/550e8400-e29b-41d4-a716-446655440000");
        assertThat(uuid.json().at("/result/id").asText()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");

        Response many = s.post(
                "/collections/up/points",
                "{\"ids\": [1, 10, 999], \"with_payload\": [\"city\"], \"with_vector\": true}");
        assertThat(many.status()).isEqualTo(200);
        assertThat(many.json().get("result").size()).isEqualTo(2);
        assertThat(many.json().at("/result/0/payload").toString()).isEqualTo("{\"city\":\"London\"}");
        assertThat(many.json().at("/result/0/vector").isArray()).isTrue();

        assertThat(s.get("/collections/up/points/999").status()).isEqualTo(404);
        assertThat(s.get("/collections/up/points/not-an-id").status()).isEqualTo(400);
    }

    @Test
    void rejectedWritesChangeNothing() {
        create("rej");
        s.put(
                "/collections/rej/points?wait=true",
                "{\"points\": [{\"id\": 1, \"vector\": [1, 2, 3], \"payload\": {\"n\": 5}}]}");
        Response wrongDim = s.put(
                "/collections/rej/points?wait=true",
                "{\"points\": [{\"id\": 2, \"vector\": [1, 2, 3]}, {\"id\": 3, \"vector\": [1, 2]}]}");
        assertThat(wrongDim.status()).isEqualTo(400);
        assertThat(wrongDim.json().at("/status/error").asText()).contains("dim");
        Response badId = s.put("/collections/rej/points", "{\"points\": [{\"id\": -5, \"vector\": [1, 2, 3]}]}");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().at("/status/error").asText()).contains("points[0].id");
        Response badUuid = s.put("/collections/rej/points", "{\"points\": [{\"id\": \"xyz\", \"vector\": [1, 2, 3]}]}");
        assertThat(badUuid.status()).isEqualTo(400);
        Response nan = s.put("/collections/rej/points", "{\"points\": [{\"id\": 4, \"vector\": [1, \"a\", 3]}]}");
        assertThat(nan.status()).isEqualTo(400);
        Response malformed = s.put("/collections/rej/points", "{\"points\": [");
        assertThat(malformed.status()).isEqualTo(400);
        Response index =
                s.put("/collections/rej/index?wait=true", "{\"field_name\": \"n\", \"field_schema\": \"integer\"}");
        assertThat(index.status()).isEqualTo(200);
        Response contradicting = s.put(
                "/collections/rej/points?wait=true",
                "{\"points\": [{\"id\": 7, \"vector\": [1, 2, 3], \"payload\": {\"n\": \"five\"}}]}");
        assertThat(contradicting.status()).as(contradicting.text()).isEqualTo(400);
        Response unknownVector =
                s.put("/collections/rej/points", "{\"points\": [{\"id\": 8, \"vector\": {\"nope\": [1, 2, 3]}}]}");
        assertThat(unknownVector.status()).isEqualTo(400);
        assertThat(count("rej")).isEqualTo(1);
        assertThat(s.get("/collections/rej/points/1")
                        .json()
                        .at("/result/payload/n")
                        .asInt())
                .isEqualTo(5);
        assertThat(s.put("/collections/ghost/points", "{\"points\": []}").status())
                .isEqualTo(404);
    }

    @Test
    void payloadAndVectorOperations() {
        create("pl");
        s.put(
                "/collections/pl/points?wait=true",
                "{\"points\": [{\"id\": 1, \"vector\": [1,0,0], \"payload\": {\"a\": 1, \"b\": 2}},"
                        + " {\"id\": 2, \"vector\": [0,1,0], \"payload\": {\"a\": 2}}]}");
        assertThat(s.post("/collections/pl/points/payload?wait=true", "{\"payload\": {\"c\": 3}, \"points\": [1]}")
                        .status())
                .isEqualTo(200);
        assertThat(payload(1)).isEqualTo("{\"a\":1,\"b\":2,\"c\":3}");
        s.post(
                "/collections/pl/points/payload?wait=true",
                "{\"payload\": {\"x\": 1}, \"points\": [1], \"key\": \"nested\"}");
        assertThat(payload(1)).contains("\"nested\":{\"x\":1}");
        s.put("/collections/pl/points/payload?wait=true", "{\"payload\": {\"only\": true}, \"points\": [1]}");
        assertThat(payload(1)).isEqualTo("{\"only\":true}");
        s.post(
                "/collections/pl/points/payload?wait=true",
                "{\"payload\": {\"tag\": \"f\"}, \"filter\": {\"must\": [{\"key\": \"a\", \"match\": {\"value\": 2}}]}}");
        assertThat(payload(2)).contains("\"tag\":\"f\"");
        s.post("/collections/pl/points/payload/delete?wait=true", "{\"keys\": [\"tag\"], \"points\": [2]}");
        assertThat(payload(2)).isEqualTo("{\"a\":2}");
        s.post("/collections/pl/points/payload/clear?wait=true", "{\"points\": [2]}");
        assertThat(payload(2)).isEqualTo("{}");

        Response vec =
                s.put("/collections/pl/points/vectors?wait=true", "{\"points\": [{\"id\": 1, \"vector\": [5, 5, 5]}]}");
        assertThat(vec.status()).as(vec.text()).isEqualTo(200);
        assertThat(s.get("/collections/pl/points/1")
                        .json()
                        .at("/result/vector/0")
                        .asDouble())
                .isEqualTo(5.0);
        Response delVec =
                s.post("/collections/pl/points/vectors/delete?wait=true", "{\"points\": [1], \"vector\": [\"\"]}");
        assertThat(delVec.status()).as(delVec.text()).isEqualTo(200);

        Response bad = s.post("/collections/pl/points/payload", "{\"points\": [1]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/status/error").asText()).contains("payload");

        Response del = s.post("/collections/pl/points/delete?wait=true", "{\"points\": [2]}");
        assertThat(del.status()).isEqualTo(200);
        assertThat(count("pl")).isEqualTo(1);
        s.post("/collections/pl/points/delete?wait=true", "{\"filter\": {\"must\": [{\"has_id\": [1]}]}}");
        assertThat(count("pl")).isZero();
        assertThat(s.post("/collections/pl/points/delete", "{}").status()).isEqualTo(400);
    }

    private static String payload(int id) {
        return s.get("/collections/pl/points/" + id)
                .json()
                .at("/result/payload")
                .toString();
    }

    @Test
    void batchScrollCount() {
        create("sc");
        Response batch = s.post("/collections/sc/points/batch?wait=true", """
                {"operations": [
                  {"upsert": {"points": [{"id": 1, "vector": [1,0,0], "payload": {"k": "a"}},
                                         {"id": 2, "vector": [0,1,0], "payload": {"k": "b"}},
                                         {"id": 3, "vector": [0,0,1], "payload": {"k": "a"}}]}},
                  {"set_payload": {"payload": {"s": 1}, "points": [1]}},
                  {"delete": {"points": [2]}}
                ]}
                """);
        assertThat(batch.status()).as(batch.text()).isEqualTo(200);
        assertThat(batch.json().get("result").size()).isEqualTo(3);
        Response page1 = s.post("/collections/sc/points/scroll", "{\"limit\": 1}");
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().at("/result/points/0/id").asInt()).isEqualTo(1);
        assertThat(page1.json().at("/result/points/0/payload/k").asText()).isEqualTo("a");
        assertThat(page1.json().at("/result/next_page_offset").asInt()).isEqualTo(3);
        Response page2 = s.post(
                "/collections/sc/points/scroll",
                "{\"limit\": 1, \"offset\": 3, \"with_payload\": false, \"with_vector\": true}");
        assertThat(page2.json().at("/result/points/0/id").asInt()).isEqualTo(3);
        assertThat(page2.json().at("/result/points/0/payload").isNull()).isTrue();
        assertThat(page2.json().at("/result/next_page_offset").isNull()).isTrue();
        Response filtered = s.post(
                "/collections/sc/points/scroll",
                "{\"filter\": {\"must\": [{\"key\": \"k\", \"match\": {\"value\": \"a\"}}]}, \"with_payload\": {\"exclude\": [\"k\"]}}");
        assertThat(filtered.json().at("/result/points").size()).isEqualTo(2);
        assertThat(filtered.json().at("/result/points/0/payload").toString()).isEqualTo("{\"s\":1}");
        Response cnt = s.post(
                "/collections/sc/points/count",
                "{\"filter\": {\"must\": [{\"key\": \"k\", \"match\": {\"value\": \"a\"}}]}}");
        assertThat(cnt.json().at("/result/count").asInt()).isEqualTo(2);

        assertThat(s.post("/collections/sc/points/scroll", "{\"limit\": -1}").status())
                .isEqualTo(400);
        Response badFilter = s.post("/collections/sc/points/count", "{\"filter\": {\"must\": [{\"bogus\": 1}]}}");
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.json().at("/status/error").asText()).contains("filter.must[0]");
        Response badOp = s.post("/collections/sc/points/batch", "{\"operations\": [{\"explode\": {}}]}");
        assertThat(badOp.status()).isEqualTo(400);
        assertThat(count("sc")).isEqualTo(2);
        // A wrong dimension in the last operation rejects the whole batch: the first upsert does not land.
        Response badLate = s.post("/collections/sc/points/batch?wait=true", """
                {"operations": [
                  {"upsert": {"points": [{"id": 50, "vector": [1,0,0]}]}},
                  {"upsert": {"points": [{"id": 51, "vector": [1,0]}]}}
                ]}
                """);
        assertThat(badLate.status()).as(badLate.text()).isEqualTo(400);
        assertThat(badLate.json().at("/status/error").asText()).contains("expected dim: 3, got 2");
        assertThat(count("sc")).isEqualTo(2);
    }
}
