package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read_fan_out_factor} and {@code read_fan_out_delay_ms} over HTTP (PATCHable, shown in the
 * info only once set, kept across a restart), and the {@code consistency} and {@code ordering}
 * query parameters a standalone node accepts and ignores.
 */
class ReadFanOutApiTest {
    @TempDir
    Path storage;

    private static JsonNode params(TestServer s, String name) {
        Response r = s.get("/collections/" + name);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().at("/result/config/params");
    }

    @Test
    void fanOutParamsArePatchableShownOnceSetAndSurviveARestart() {
        try (TestServer s = TestServer.start(storage)) {
            assertThat(s.put("/collections/f", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(params(s, "f").has("read_fan_out_factor")).isFalse();
            assertThat(params(s, "f").has("read_fan_out_delay_ms")).isFalse();

            Response r = s.patch(
                    "/collections/f", "{\"params\": {\"read_fan_out_factor\": 1, \"read_fan_out_delay_ms\": 20}}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(params(s, "f").get("read_fan_out_factor").asInt()).isEqualTo(1);
            assertThat(params(s, "f").get("read_fan_out_delay_ms").asLong()).isEqualTo(20);

            r = s.patch("/collections/f", "{\"params\": {\"read_fan_out_delay_ms\": 35}}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(params(s, "f").get("read_fan_out_factor").asInt())
                    .as("kept")
                    .isEqualTo(1);
            assertThat(params(s, "f").get("read_fan_out_delay_ms").asLong()).isEqualTo(35);

            r = s.patch("/collections/f", "{\"params\": {\"read_fan_out_factor\": -1}}");
            assertThat(r.status()).as(r.text()).isBetween(400, 422);
            assertThat(r.json().at("/status/error").asText()).contains("read_fan_out_factor");
            assertThat(params(s, "f").get("read_fan_out_factor").asInt())
                    .as("unchanged")
                    .isEqualTo(1);
        }
        try (TestServer s = TestServer.start(storage)) {
            assertThat(params(s, "f").get("read_fan_out_factor").asInt()).isEqualTo(1);
            assertThat(params(s, "f").get("read_fan_out_delay_ms").asLong()).isEqualTo(35);
        }
    }

    @Test
    void consistencyAndOrderingAreAcceptedOnAStandaloneNodeAndBadValuesAre400() {
        try (TestServer s = TestServer.start(storage)) {
            s.put("/collections/g", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
            Response w = s.put(
                    "/collections/g/points?wait=true&ordering=strong",
                    "{\"points\": [{\"id\": 1, \"vector\": [1, 0]}, {\"id\": 2, \"vector\": [0, 1]}]}");
            assertThat(w.status()).as(w.text()).isEqualTo(200);
            for (String c : new String[] {"1", "2", "majority", "quorum", "all"}) {
                Response q =
                        s.post("/collections/g/points/query?consistency=" + c, "{\"query\": [1, 0], \"limit\": 5}");
                assertThat(q.status()).as(c + ": " + q.text()).isEqualTo(200);
                assertThat(q.json().at("/result/points")).hasSize(2);
                Response n = s.post("/collections/g/points/count?consistency=" + c, "{\"exact\": true}");
                assertThat(n.json().at("/result/count").asLong()).isEqualTo(2);
            }
            for (String bad : new String[] {"0", "-1", "most", "1.5"}) {
                Response q = s.post("/collections/g/points/query?consistency=" + bad, "{\"query\": [1, 0]}");
                assertThat(q.status()).as(bad).isEqualTo(400);
                assertThat(q.json().at("/status/error").asText()).contains("consistency");
            }
            for (String read : new String[] {"/points/count", "/points/scroll", "/points"}) {
                String body = read.equals("/points") ? "{\"ids\": [1]}" : "{}";
                Response q = s.post("/collections/g" + read + "?consistency=most", body);
                assertThat(q.status()).as(read).isEqualTo(400);
                Response good = s.post("/collections/g" + read + "?consistency=all", body);
                assertThat(good.status()).as(read + ": " + good.text()).isEqualTo(200);
            }
            Response bad =
                    s.put("/collections/g/points?ordering=chaos", "{\"points\": [{\"id\": 3, \"vector\": [1, 1]}]}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(s.post("/collections/g/points/count", "{\"exact\": true}")
                            .json()
                            .at("/result/count")
                            .asLong())
                    .as("nothing written")
                    .isEqualTo(2);
        }
    }
}
