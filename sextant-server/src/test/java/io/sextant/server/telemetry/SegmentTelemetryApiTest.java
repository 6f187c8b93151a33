package io.sextant.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment figures in {@code /telemetry?details_level=10}: payload bytes once flushed. */
class SegmentTelemetryApiTest {
    @TempDir
    Path storage;

    private static long sum(JsonNode telemetry, String field) {
        long n = 0;
        for (JsonNode c : telemetry.at("/result/collections/collections")) {
            for (JsonNode shard : c.path("shards")) {
                for (JsonNode seg : shard.at("/local/segments")) {
                    n += seg.at("/info/" + field).asLong();
                }
            }
        }
        return n;
    }

    @Test
    void payloadBytesAppearOnceFlushed() throws Exception {
        try (TestServer s = TestServer.start(storage)) {
            assertThat(s.put("/collections/t", """
                            {"vectors":{"size":2,"distance":"Dot"},"optimizers_config":{"flush_interval_sec":1}}""").status()).isEqualTo(200);
            assertThat(s.put("/collections/t/points?wait=true", """
                            {"points":[{"id":1,"vector":[1,0],"payload":{"city":"Berlin"}},
                                       {"id":2,"vector":[0,1],"payload":{"city":"Paris"}}]}""").status()).isEqualTo(200);
            long deadline = System.nanoTime() + 20_000_000_000L;
            long payload = 0;
            while (payload == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                payload = sum(s.get("/telemetry?details_level=10").json(), "payloads_size_bytes");
            }
            assertThat(payload).as("points file with two payloads").isGreaterThan(2 * "Berlin".length());
            JsonNode t = s.get("/telemetry?details_level=10").json();
            assertThat(sum(t, "num_deferred_points")).isZero();
            assertThat(sum(t, "disk_usage_bytes")).isGreaterThanOrEqualTo(payload);
        }
    }
}
