package io.sextant.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With {@code service.slow_request_threshold_ms: 0} every request is logged to {@code
 * io.sextant.server.slow} with its shape (method, route template, collection, status, duration,
 * body size) and never its content: no vector component, payload value or raw path.
 */
class SlowRequestLogTest {

    @TempDir
    Path storage;

    @Test
    void everyRequestIsLoggedWithItsShapeAndWithoutVectorsOrPayloads() {
        Logger slow = (Logger) LoggerFactory.getLogger("io.sextant.server.slow");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        slow.addAppender(captured);
        SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__SERVICE__SLOW_REQUEST_THRESHOLD_MS", "0"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, null, storage)),
                LocalShard::open);
        try {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            assertThat(http.send("PUT", "/collections/shape", "{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            String upsert = "{\"points\":[{\"id\":7,\"vector\":[0.7182818,0.1415926,0.5772156],"
                    + "\"payload\":{\"secret\":\"do-not-log-me\"}}]}";
            assertThat(http.send("PUT", "/collections/shape/points?wait=true", upsert)
                            .status())
                    .isEqualTo(200);
            assertThat(http.send("POST", "/collections/shape/points/query", "{\"query\":[0.3183098,0.5,0.25]}")
                            .status())
                    .isEqualTo(200);

            List<ILoggingEvent> events = List.copyOf(captured.list);
            Map<String, String> query = null;
            Map<String, String> write = null;
            for (ILoggingEvent e : events) {
                Map<String, String> kv = new HashMap<>();
                if (e.getKeyValuePairs() != null) {
                    e.getKeyValuePairs().forEach(p -> kv.put(p.key, String.valueOf(p.value)));
                }
                String all = e.getFormattedMessage() + " " + kv;
                assertThat(all)
                        .as("no vectors or payloads in the slow-request log")
                        .doesNotContain("0.7182818", "0.3183098", "do-not-log-me", "secret");
                if ("/collections/{collection_name}/points/query".equals(kv.get("endpoint"))) {
                    query = kv;
                }
                if ("PUT".equals(kv.get("method"))
                        && "/collections/{collection_name}/points".equals(kv.get("endpoint"))) {
                    write = kv;
                }
            }
            assertThat(query).as("query logged: %s", events).isNotNull();
            assertThat(query)
                    .containsEntry("method", "POST")
                    .containsEntry("collection", "shape")
                    .containsEntry("status", "200")
                    .containsKeys("duration_ms", "request_bytes");
            assertThat(Long.parseLong(query.get("duration_ms"))).isNotNegative();
            assertThat(Long.parseLong(query.get("request_bytes"))).isPositive();
            assertThat(write).as("write logged").isNotNull().containsEntry("collection", "shape");
            String metrics = http.send("GET", "/metrics", null).text();
            assertThat(metrics).containsPattern("sextant_slow_requests_total [1-9]");
        } finally {
            server.close();
            slow.detachAppender(captured);
        }
    }
}
