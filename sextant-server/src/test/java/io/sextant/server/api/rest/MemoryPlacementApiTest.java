package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qdrant's {@code memory} parameter over HTTP: echoed where set and only there, pinned refused with
 * 422 where Qdrant refuses it (changing nothing), and a PATCH that moves a collection between
 * cached and cold while searches run.
 */
class MemoryPlacementApiTest {
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

    static JsonNode params(String name) {
        Response r = s.get("/collections/" + name);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().at("/result/config/params");
    }

    @Test
    void everyComponentEchoesItsMemory() {
        Response r = s.put("/collections/all", """
                {"vectors": {"size": 4, "distance": "Dot", "memory": "cached",
                             "hnsw_config": {"memory": "cold"},
                             "quantization_config": {"product": {"compression": "x4", "memory": "pinned"}}},
                 "sparse_vectors": {"sp": {"index": {"memory": "cold"}}},
                 "hnsw_config": {"memory": "cached"},
                 "quantization_config": {"binary": {"memory": "cold"}},
                 "payload": {"memory": "cached"}}""");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode p = params("all");
        assertThat(p.at("/vectors/memory").asText()).isEqualTo("cached");
        assertThat(p.at("/vectors/hnsw_config/memory").asText()).isEqualTo("cold");
        assertThat(p.at("/vectors/quantization_config/product/memory").asText()).isEqualTo("pinned");
        assertThat(p.at("/sparse_vectors/sp/index/memory").asText()).isEqualTo("cold");
        assertThat(p.at("/payload/memory").asText()).isEqualTo("cached");
        JsonNode c = s.get("/collections/all").json().at("/result/config");
        assertThat(c.at("/hnsw_config/memory").asText()).isEqualTo("cached");
        assertThat(c.at("/quantization_config/binary/memory").asText()).isEqualTo("cold");

        Response idx = s.put(
                "/collections/all/index?wait=true",
                "{\"field_name\": \"k\", \"field_schema\": {\"type\": \"keyword\", \"memory\": \"pinned\"}}");
        assertThat(idx.status()).as(idx.text()).isEqualTo(200);
        assertThat(s.get("/collections/all")
                        .json()
                        .at("/result/payload_schema/k/params/memory")
                        .asText())
                .isEqualTo("pinned");
    }

    @Test
    void unsetMemoryIsNotShown() {
        Response r =
                s.put("/collections/plain", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\", \"on_disk\": true}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(s.get("/collections/plain").text())
                .doesNotContain("\"memory\"")
                .doesNotContain("\"payload\"");
    }

    @Test
    void pinnedDenseVectorsAndPayloadAre422AndChangeNothing() {
        Response dense =
                s.put("/collections/p1", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\", \"memory\": \"pinned\"}}");
        assertThat(dense.status()).isEqualTo(422);
        assertThat(dense.json().at("/status/error").asText()).contains("pinned");
        assertThat(s.get("/collections/p1").status()).isEqualTo(404);
        Response payload = s.put(
                "/collections/p2",
                "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}, \"payload\": {\"memory\": \"pinned\"}}");
        assertThat(payload.status()).isEqualTo(422);
        assertThat(payload.json().at("/status/error").asText()).contains("pinned");
        assertThat(s.get("/collections/p2").status()).isEqualTo(404);
        Response unknown =
                s.put("/collections/p3", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\", \"memory\": \"hot\"}}");
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(400);

        assertThat(s.put("/collections/p4", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
        Response patch = s.patch("/collections/p4", "{\"vectors\": {\"\": {\"memory\": \"pinned\"}}}");
        assertThat(patch.status()).isEqualTo(422);
        assertThat(patch.json().at("/status/error").asText()).contains("pinned");
        assertThat(params("p4").has("memory")).isFalse();
        assertThat(params("p4").at("/vectors").has("memory")).isFalse();
    }

    @Test
    void patchMovesCachedToColdAndBackUnderSearchLoad() throws Exception {
        int dim = 8;
        int n = 600;
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Response created = s.put(
                "/collections/moving",
                "{\"vectors\": {\"size\": 8, \"distance\": \"Euclid\", \"memory\": \"cached\"},"
                        + " \"quantization_config\": {\"scalar\": {\"type\": \"int8\"}},"
                        + " \"optimizers_config\": {\"indexing_threshold\": 8, \"flush_interval_sec\": 1}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        StringBuilder points = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            points.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"vector\": [");
            for (int j = 0; j < dim; j++) {
                points.append(j == 0 ? "" : ",").append(r.nextFloat());
            }
            points.append("]}");
        }
        Response up = s.put("/collections/moving/points?wait=true", "{\"points\": " + points + "]}");
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        awaitGreen("moving");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread searcher = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Response q = s.post(
                        "/collections/moving/points/query",
                        "{\"query\": [0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5], \"limit\": 5}");
                if (q.status() != 200 || q.json().at("/result/points").size() != 5) {
                    failures.add(q.status() + " " + q.text());
                } else {
                    ok.incrementAndGet();
                }
            }
        });
        for (String memory : new String[] {"cold", "cached", "cold", "cached"}) {
            Response p = s.patch("/collections/moving", "{\"vectors\": {\"\": {\"memory\": \"" + memory + "\"}}}");
            assertThat(p.status()).as(p.text()).isEqualTo(200);
            assertThat(params("moving").at("/vectors/memory").asText()).isEqualTo(memory);
            awaitGreen("moving");
        }
        stop.set(true);
        searcher.join();
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(ok.get()).isPositive();
        assertThat(s.get("/collections/moving")
                        .json()
                        .at("/result/points_count")
                        .asInt())
                .isEqualTo(n);
    }

    /** Waits until the collection's optimizations (indexing, the config_mismatch reopen) are done. */
    static void awaitGreen(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode info = s.get("/collections/" + name).json().at("/result");
            if (info.at("/status").asText().equals("green")
                    && info.at("/indexed_vectors_count").asInt() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("collection " + name + " never turned green");
    }
}
