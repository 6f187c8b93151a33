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
 * Over HTTP on a standalone node: a {@code sharding_method: custom} collection, shard keys created,
 * listed and dropped through {@code /collections/{c}/shards}, and the {@code shard_key} selector on
 * writes and reads; keys and their points survive a restart.
 */
class ShardKeyApiTest {
    @TempDir
    Path storage;

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("result");
    }

    static void bad(Response r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().at("/status/error").asText()).contains(message);
    }

    static List<Long> ids(JsonNode points) {
        List<Long> out = new ArrayList<>();
        points.forEach(p -> out.add(p.get("id").asLong()));
        return out;
    }

    @Test
    void customShardingEndToEnd() {
        try (TestServer s = TestServer.start(storage)) {
            ok(s.put("/collections/t", """
                    {"vectors": {"size": 2, "distance": "Dot"}, "sharding_method": "custom", "shard_number": 2}"""));
            assertThat(ok(s.get("/collections/t"))
                            .at("/config/params/sharding_method")
                            .asText())
                    .isEqualTo("custom");
            assertThat(ok(s.get("/collections/t/shards")).get("shard_keys")).isEmpty();

            // writes need a key
            bad(
                    s.put("/collections/t/points?wait=true", "{\"points\": [{\"id\": 1, \"vector\": [1, 0]}]}"),
                    "Shard key not specified");

            ok(s.put("/collections/t/shards", "{\"shard_key\": \"a\"}"));
            ok(s.put("/collections/t/shards", "{\"shard_key\": 100, \"shards_number\": 1}"));
            bad(s.put("/collections/t/shards", "{\"shard_key\": \"a\"}"), "already exists");
            assertThat(ok(s.get("/collections/t/shards")).toString())
                    .isEqualTo("{\"shard_keys\":[{\"key\":\"a\"},{\"key\":100}]}");
            JsonNode local = ok(s.get("/collections/t/cluster")).get("local_shards");
            assertThat(local.toString())
                    .contains("{\"shard_id\":0,\"shard_key\":\"a\"")
                    .contains("{\"shard_id\":1,\"shard_key\":\"a\"")
                    .contains("{\"shard_id\":2,\"shard_key\":100");

            ok(s.put("/collections/t/points?wait=true", """
                    {"shard_key": "a", "points": [
                      {"id": 1, "vector": [1, 0], "payload": {"k": "a"}},
                      {"id": 2, "vector": [2, 0], "payload": {"k": "a"}},
                      {"id": 3, "vector": [3, 0], "payload": {"k": "a"}}]}"""));
            ok(s.post("/collections/t/points/batch?wait=true", """
                    {"operations": [{"upsert": {"shard_key": 100, "points": [
                      {"id": 3, "vector": [0, 1], "payload": {"k": 100}},
                      {"id": 4, "vector": [0, 2], "payload": {"k": 100}}]}}]}"""));
            bad(
                    s.put(
                            "/collections/t/points?wait=true",
                            "{\"shard_key\": \"zz\", \"points\": [{\"id\": 9, \"vector\": [1, 0]}]}"),
                    "Shard key \"zz\" not found");

            // reads: absent = all keys; a key or a list narrows
            assertThat(ok(s.post("/collections/t/points/count", "{}"))
                            .get("count")
                            .asLong())
                    .isEqualTo(5);
            assertThat(ok(s.post("/collections/t/points/count", "{\"shard_key\": 100}"))
                            .get("count")
                            .asLong())
                    .isEqualTo(2);
            assertThat(ok(s.post("/collections/t/points/count", "{\"shard_key\": [\"a\", 100]}"))
                            .get("count")
                            .asLong())
                    .isEqualTo(5);
            assertThat(ids(ok(s.post("/collections/t/points/scroll", "{\"shard_key\": \"a\"}"))
                            .get("points")))
                    .containsExactly(1L, 2L, 3L);
            JsonNode got = ok(s.post("/collections/t/points", "{\"ids\": [3], \"shard_key\": 100}"));
            assertThat(got.get(0).at("/payload/k").asInt()).isEqualTo(100);
            JsonNode hits = ok(s.post(
                            "/collections/t/points/query", "{\"query\": [1, 0], \"limit\": 10, \"shard_key\": \"a\"}"))
                    .get("points");
            assertThat(ids(hits)).containsExactly(3L, 2L, 1L);
            JsonNode search = ok(
                    s.post("/collections/t/points/search", "{\"vector\": [0, 1], \"limit\": 1, \"shard_key\": 100}"));
            assertThat(ids(search)).containsExactly(4L);
            JsonNode batch = ok(s.post("/collections/t/points/search/batch", """
                    {"searches": [{"vector": [0, 1], "limit": 1, "shard_key": "a"},
                                  {"vector": [0, 1], "limit": 1, "shard_key": 100}]}"""));
            assertThat(ids(batch.get(0))).containsExactly(1L); // [1,0]·[0,1] ties at 0: lowest id
            assertThat(ids(batch.get(1))).containsExactly(4L);
            bad(s.post("/collections/t/points/count", "{\"shard_key\": \"zz\"}"), "Shard key \"zz\" not found");

            // a payload index reaches every key's shards; facets read the keys named
            ok(s.put("/collections/t/index?wait=true", "{\"field_name\": \"k\", \"field_schema\": \"keyword\"}"));
            assertThat(ok(s.post("/collections/t/facet", "{\"key\": \"k\", \"shard_key\": \"a\"}"))
                            .toString())
                    .isEqualTo("{\"hits\":[{\"value\":\"a\",\"count\":3}]}");
            assertThat(ok(s.post("/collections/t/facet", "{\"key\": \"k\", \"shard_key\": 100}"))
                            .toString())
                    .isEqualTo("{\"hits\":[]}");

            // delete by filter in one key leaves the other
            ok(s.post("/collections/t/points/delete?wait=true", "{\"shard_key\": 100, \"filter\": {}}"));
            assertThat(ok(s.post("/collections/t/points/count", "{}"))
                            .get("count")
                            .asLong())
                    .isEqualTo(3);
        }
        try (TestServer s = TestServer.start(storage)) {
            assertThat(ok(s.get("/collections/t/shards")).toString())
                    .isEqualTo("{\"shard_keys\":[{\"key\":\"a\"},{\"key\":100}]}");
            assertThat(ok(s.post("/collections/t/points/count", "{\"shard_key\": \"a\"}"))
                            .get("count")
                            .asLong())
                    .isEqualTo(3);
            ok(s.post("/collections/t/shards/delete", "{\"shard_key\": \"a\"}"));
            bad(s.post("/collections/t/shards/delete", "{\"shard_key\": \"a\"}"), "does not exist");
            assertThat(ok(s.get("/collections/t/shards")).toString()).isEqualTo("{\"shard_keys\":[{\"key\":100}]}");
            assertThat(ok(s.post("/collections/t/points/count", "{}"))
                            .get("count")
                            .asLong())
                    .isZero();
        }
    }

    @Test
    void autoShardedCollectionsRefuseKeys() {
        try (TestServer s = TestServer.start(storage)) {
            ok(s.put("/collections/auto", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
            assertThat(ok(s.get("/collections/auto")).at("/config/params").has("sharding_method"))
                    .isFalse();
            assertThat(ok(s.get("/collections/auto/shards")).toString()).isEqualTo("{}");
            bad(s.put("/collections/auto/shards", "{\"shard_key\": \"a\"}"), "Auto sharding method");
            bad(s.post("/collections/auto/points/count", "{\"shard_key\": \"a\"}"), "not found");
            bad(s.put("/collections/auto/shards", "{\"shard_key\": -1}"), "shard_key");
            bad(
                    s.put(
                            "/collections/x",
                            "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}, \"sharding_method\": \"odd\"}"),
                    "sharding_method");
            assertThat(s.get("/collections/missing/shards").status()).isEqualTo(404);
        }
    }
}
