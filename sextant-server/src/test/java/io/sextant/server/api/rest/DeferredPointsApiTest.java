package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prevent_unoptimized} over REST: deferred points hidden from reads, {@code wait=true} with
 * a {@code timeout} answering {@code wait_timeout}, and {@code max_optimization_threads} 0 / "auto".
 */
class DeferredPointsApiTest {
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

    private static String points(int from, int to) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = from; i < to; i++) {
            b.append(i == from ? "" : ",").append("{\"id\":").append(i).append(",\"vector\":[");
            for (int d = 0; d < 256; d++) {
                b.append(d == 0 ? "" : ",").append((i * 31 + d) % 17 + 1);
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    private static long count() {
        return s.post("/collections/d/points/count", "{\"exact\":true}")
                .json()
                .at("/result/count")
                .asLong();
    }

    @Test
    void deferredPointsAppearOnceOptimizedAndWaitTimesOut() throws Exception {
        // 256 float32 = 1 KB per vector: 4 KB threshold = 4 visible points per appendable segment
        assertThat(s.put("/collections/d", """
                        {"vectors":{"size":256,"distance":"Dot"},
                         "optimizers_config":{"indexing_threshold":4,"prevent_unoptimized":true,
                                              "max_optimization_threads":0}}""").status()).isEqualTo(200);
        assertThat(s.put("/collections/d/points?wait=false", points(0, 10)).status())
                .isEqualTo(200);
        assertThat(count()).isEqualTo(4);
        JsonNode got = s.post("/collections/d/points", "{\"ids\":[0,1,2,3,4,5,6,7,8,9]}")
                .json();
        assertThat(got.at("/result").size()).isEqualTo(4);
        JsonNode telemetry = s.get("/telemetry?details_level=10").json();
        long deferred = 0;
        for (JsonNode c : telemetry.at("/result/collections/collections")) {
            for (JsonNode shard : c.path("shards")) {
                for (JsonNode seg : shard.at("/local/segments")) {
                    deferred += seg.at("/info/num_deferred_points").asLong();
                }
            }
        }
        assertThat(deferred).isEqualTo(6);

        // optimizations off: the wait for visibility runs out after the timeout, reported as such
        JsonNode timedOut = s.put("/collections/d/points?wait=true&timeout=1", points(10, 11))
                .json();
        assertThat(timedOut.at("/result/status").asText()).isEqualTo("wait_timeout");
        assertThat(timedOut.at("/result/operation_id").asLong()).isPositive();

        // "auto" turns optimizations back on; wait=true then returns with everything visible
        assertThat(s.patch("/collections/d", "{\"optimizers_config\":{\"max_optimization_threads\":\"auto\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(s.get("/collections/d")
                        .json()
                        .at("/result/config/optimizer_config/max_optimization_threads")
                        .isNull())
                .isTrue();
        JsonNode done = s.put("/collections/d/points?wait=true", points(11, 12)).json();
        assertThat(done.at("/result/status").asText()).isEqualTo("completed");
        assertThat(s.get("/collections/d/points/11").status()).isEqualTo(200); // what it wrote is visible
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!s.get("/collections/d").json().at("/result/status").asText().equals("green")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count()).isEqualTo(12);
    }
}
