package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionsApiTest {

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

    @Test
    void serviceEndpoints() {
        Response root = s.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().get("title").asText()).isEqualTo("qdrant - vector search engine");
        assertThat(root.json().get("version").asText()).isEqualTo("1.19.0");
        assertThat(root.json().get("commit").asText()).matches("[0-9a-f]{40}");
        assertThat(root.json().size()).isEqualTo(3);
        assertThat(s.get("/healthz").text()).isEqualTo("healthz check passed");
        assertThat(s.get("/livez").status()).isEqualTo(200);
        assertThat(s.get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void collectionLifecycle() {
        Response created = s.put("/collections/life", """
                {"vectors": {"size": 4, "distance": "Cosine"}, "hnsw_config": {"m": 32},
                 "optimizers_config": {"indexing_threshold": 0}, "metadata": {"team": "x"}}
                """);
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.json().get("result").asBoolean()).isTrue();
        assertThat(created.json().get("status").asText()).isEqualTo("ok");
        assertThat(created.json().get("time").isNumber()).isTrue();

        Response again = s.put("/collections/life", "{\"vectors\": {\"size\": 4, \"distance\": \"Cosine\"}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/status/error").asText()).contains("already exists");

        Response info = s.get("/collections/life");
        assertThat(info.status()).isEqualTo(200);
        var r = info.json().get("result");
        assertThat(r.get("status").asText()).isEqualTo("green");
        assertThat(r.get("optimizer_status").asText()).isEqualTo("ok");
        assertThat(r.get("points_count").asLong()).isZero();
        assertThat(r.at("/config/params/vectors/size").asInt()).isEqualTo(4);
        assertThat(r.at("/config/params/vectors/distance").asText()).isEqualTo("Cosine");
        assertThat(r.at("/config/hnsw_config/m").asInt()).isEqualTo(32);
        assertThat(r.at("/config/optimizer_config/indexing_threshold").asInt()).isZero();
        assertThat(r.at("/config/metadata/team").asText()).isEqualTo("x");
        assertThat(r.has("payload_schema")).isTrue();

        assertThat(s.get("/collections").json().at("/result/collections").toString())
                .contains("\"life\"");
        assertThat(s.get("/collections/life/exists").json().at("/result/exists").asBoolean())
                .isTrue();
        assertThat(s.get("/collections/nope/exists").json().at("/result/exists").asBoolean())
                .isFalse();

        Response patched = s.patch("/collections/life", "{\"optimizers_config\": {\"indexing_threshold\": 500}}");
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(s.get("/collections/life")
                        .json()
                        .at("/result/config/optimizer_config/indexing_threshold")
                        .asInt())
                .isEqualTo(500);

        assertThat(s.delete("/collections/life").json().get("result").asBoolean())
                .isTrue();
        assertThat(s.get("/collections/life").status()).isEqualTo(404);
        assertThat(s.delete("/collections/life").json().get("result").asBoolean())
                .isFalse();
    }

    @Test
    void namedVectorsCollection() {
        Response created = s.put(
                "/collections/named",
                "{\"vectors\": {\"image\": {\"size\": 2, \"distance\": \"Dot\"}, \"text\": {\"size\": 3, \"distance\": \"Euclid\", \"on_disk\": true}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        var vectors = s.get("/collections/named").json().at("/result/config/params/vectors");
        assertThat(vectors.at("/image/size").asInt()).isEqualTo(2);
        assertThat(vectors.at("/text/distance").asText()).isEqualTo("Euclid");
    }

    @Test
    void badCollectionRequests() {
        Response unknownDistance = s.put("/collections/bad1", "{\"vectors\": {\"size\": 4, \"distance\": \"Cosin\"}}");
        assertThat(unknownDistance.status()).isEqualTo(400);
        assertThat(unknownDistance.json().at("/status/error").asText())
                .contains("Cosin")
                .contains("vectors.distance");
        Response badSize = s.put("/collections/bad2", "{\"vectors\": {\"size\": \"four\", \"distance\": \"Dot\"}}");
        assertThat(badSize.status()).isEqualTo(400);
        assertThat(badSize.json().at("/status/error").asText()).contains("vectors.size");
        Response zero = s.put("/collections/bad3", "{\"vectors\": {\"size\": 0, \"distance\": \"Dot\"}}");
        // a well-typed value out of range is a validation error (422), as in Qdrant
        assertThat(zero.status()).isEqualTo(422);
        assertThat(zero.json().at("/status/error").asText())
                .isEqualTo("Validation error in JSON body: [vectors.size: value 0 invalid, must be from 1 to 65536]");
        Response malformed = s.put("/collections/bad4", "{\"vectors\": {");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().at("/status/error").asText()).contains("Format error in JSON body");
        Response unknownField = s.put("/collections/bad5", "{\"vectorz\": {}}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().at("/status/error").asText()).contains("vectorz");
        for (String n : new String[] {"bad1", "bad2", "bad3", "bad4", "bad5"}) {
            assertThat(s.get("/collections/" + n + "/exists")
                            .json()
                            .at("/result/exists")
                            .asBoolean())
                    .as("rejected create of %s left nothing", n)
                    .isFalse();
        }
        assertThat(s.get("/collections/missing").status()).isEqualTo(404);
        assertThat(s.patch("/collections/missing", "{}").status()).isEqualTo(404);
    }

    @Test
    void aliases() {
        s.put("/collections/aliased", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
        Response r = s.post(
                "/collections/aliases",
                "{\"actions\": [{\"create_alias\": {\"collection_name\": \"aliased\", \"alias_name\": \"al\"}}]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(s.get("/aliases").json().at("/result/aliases").toString())
                .contains("\"alias_name\":\"al\"")
                .contains("\"collection_name\":\"aliased\"");
        assertThat(s.get("/collections/aliased/aliases")
                        .json()
                        .at("/result/aliases")
                        .size())
                .isEqualTo(1);
        assertThat(s.get("/collections/al").status()).isEqualTo(200);
        s.post(
                "/collections/aliases",
                "{\"actions\": [{\"rename_alias\": {\"old_alias_name\": \"al\", \"new_alias_name\": \"al2\"}}]}");
        assertThat(s.get("/collections/al2/exists").json().at("/result/exists").asBoolean())
                .isTrue();
        s.post("/collections/aliases", "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"al2\"}}]}");
        assertThat(s.get("/collections/aliased/aliases")
                        .json()
                        .at("/result/aliases")
                        .size())
                .isZero();
        Response bad = s.post("/collections/aliases", "{\"actions\": [{\"make_alias\": {}}]}");
        assertThat(bad.status()).isEqualTo(400);
        Response missing = s.post(
                "/collections/aliases",
                "{\"actions\": [{\"create_alias\": {\"collection_name\": \"ghost\", \"alias_name\": \"g\"}}]}");
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void payloadIndexes() {
        s.put("/collections/idx", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
        Response k =
                s.put("/collections/idx/index?wait=true", "{\"field_name\": \"city\", \"field_schema\": \"keyword\"}");
        assertThat(k.status()).as(k.text()).isEqualTo(200);
        assertThat(k.json().at("/result/status").asText()).isEqualTo("completed");
        Response t = s.put(
                "/collections/idx/index?wait=true",
                "{\"field_name\": \"body\", \"field_schema\": {\"type\": \"text\", \"tokenizer\": \"word\", \"lowercase\": true, \"min_token_len\": 2, \"max_token_len\": 20}}");
        assertThat(t.status()).as(t.text()).isEqualTo(200);
        s.put(
                "/collections/idx/index?wait=true",
                "{\"field_name\": \"tenant\", \"field_schema\": {\"type\": \"keyword\", \"is_tenant\": true}}");
        s.put("/collections/idx/index?wait=true", "{\"field_name\": \"n\", \"field_schema\": \"integer\"}");
        for (String type : new String[] {"float", "bool", "geo", "datetime", "uuid"}) {
            Response r = s.put(
                    "/collections/idx/index?wait=true",
                    "{\"field_name\": \"f_" + type + "\", \"field_schema\": \"" + type + "\"}");
            assertThat(r.status()).as(type + ": " + r.text()).isEqualTo(200);
        }
        var schema = s.get("/collections/idx").json().at("/result/payload_schema");
        assertThat(schema.at("/city/data_type").asText()).isEqualTo("keyword");
        assertThat(schema.at("/city/points").asInt()).isZero();
        assertThat(schema.at("/body/data_type").asText()).isEqualTo("text");
        assertThat(schema.at("/body/params/min_token_len").asInt()).isEqualTo(2);
        assertThat(schema.at("/tenant/params/is_tenant").asBoolean()).isTrue();
        assertThat(schema.at("/f_geo/data_type").asText()).isEqualTo("geo");

        Response badType = s.put("/collections/idx/index", "{\"field_name\": \"x\", \"field_schema\": \"varchar\"}");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().at("/status/error").asText()).contains("varchar");
        Response badTokenizer = s.put(
                "/collections/idx/index",
                "{\"field_name\": \"x\", \"field_schema\": {\"type\": \"text\", \"tokenizer\": \"nope\"}}");
        assertThat(badTokenizer.status()).isEqualTo(400);

        Response del = s.delete("/collections/idx/index/city?wait=true");
        assertThat(del.status()).as(del.text()).isEqualTo(200);
        assertThat(s.get("/collections/idx").json().at("/result/payload_schema").has("city"))
                .isFalse();
        Response unknown = s.delete("/collections/idx/index/never_indexed?wait=true");
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        assertThat(s.put("/collections/ghost/index", "{\"field_name\": \"a\", \"field_schema\": \"keyword\"}")
                        .status())
                .isEqualTo(404);
    }
}
