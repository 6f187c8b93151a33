package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update_mode} and {@code update_filter} over REST (upsert, batch, update vectors). */
class ConditionalUpdateApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        assertThat(s.put("/collections/c", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(s.put("/collections/c/points?wait=true", """
                        {"points":[{"id":1,"vector":[1,0],"payload":{"version":5}}]}""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void insertOnlyKeepsExistingAndUpdateOnlyCreatesNothing() {
        assertThat(s.put("/collections/c/points?wait=true", """
                        {"points":[{"id":1,"vector":[9,9],"payload":{"version":9}},
                                   {"id":10,"vector":[1,1],"payload":{"new":true}}],
                         "update_mode":"insert_only"}""").status()).isEqualTo(200);
        assertThat(s.get("/collections/c/points/1")
                        .json()
                        .at("/result/payload/version")
                        .asInt())
                .isEqualTo(5);
        assertThat(s.get("/collections/c/points/10").status()).isEqualTo(200);
        assertThat(s.post("/collections/c/points/batch?wait=true", """
                        {"operations":[{"upsert":{"points":[{"id":11,"vector":[1,1]}],"update_mode":"update_only"}}]}""").status())
                .isEqualTo(200);
        assertThat(s.get("/collections/c/points/11").status()).isEqualTo(404);
    }

    @Test
    void updateFilterGuardsExistingPoints() {
        s.put("/collections/c/points?wait=true", """
                {"points":[{"id":20,"vector":[1,0],"payload":{"version":5}}]}""");
        s.put("/collections/c/points?wait=true", """
                {"points":[{"id":20,"vector":[2,0],"payload":{"version":4}}],
                 "update_filter":{"must":{"key":"version","range":{"lt":4}}}}""");
        assertThat(s.get("/collections/c/points/20")
                        .json()
                        .at("/result/payload/version")
                        .asInt())
                .isEqualTo(5);
        s.put("/collections/c/points/vectors?wait=true", """
                {"points":[{"id":20,"vector":[3,3]}],"update_filter":{"must":{"key":"version","range":{"gte":5}}}}""");
        assertThat(s.get("/collections/c/points/20")
                        .json()
                        .at("/result/vector/0")
                        .asDouble())
                .isEqualTo(3.0);
    }

    @Test
    void badModeOrFilterIsRefusedAndChangesNothing() {
        assertThat(s.put("/collections/c/points?wait=true", """
                        {"points":[{"id":30,"vector":[1,0]}],"update_mode":"sometimes"}""").status()).isEqualTo(400);
        assertThat(s.put("/collections/c/points?wait=true", """
                        {"points":[{"id":30,"vector":[1,0]}],"update_filter":{"must":{"nope":1}}}""").status()).isBetween(400, 422);
        assertThat(s.get("/collections/c/points/30").status()).isEqualTo(404);
    }
}
