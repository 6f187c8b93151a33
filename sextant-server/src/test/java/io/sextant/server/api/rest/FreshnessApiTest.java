package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write freshness over HTTP (issue P13, item 3): {@code GET /collections/{c}/operations/{id}}
 * follows an operation from applied to indexed, and the server's freshness figures agree with what
 * a client measures by polling: time from the acknowledgement to searchable and to indexed.
 */
class FreshnessApiTest {
    static final int DIM = PreventUnoptimizedApiTest.DIM;

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

    private static String batch(int from, int n, SplittableRandom rnd) {
        return PreventUnoptimizedApiTest.batch(from, n, rnd);
    }

    private static void create(String name, String optimizers) {
        Response r = s.put("/collections/" + name, """
                {"vectors": {"size": %d, "distance": "Dot"}, "hnsw_config": {"m": 16, "ef_construct": 200},
                 "optimizers_config": %s}
                """.formatted(DIM, optimizers));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static JsonNode freshness(String name) {
        return s.get("/collections/" + name + "/quality").json().at("/result/freshness");
    }

    private static double total(JsonNode summary) {
        return summary.get("count").asLong() == 0
                ? 0
                : summary.get("count").asLong() * summary.get("mean_seconds").asDouble();
    }

    private static long upsert(String name, String body) {
        Response up = s.put("/collections/" + name + "/points?wait=false", body);
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        return up.json().at("/result/operation_id").asLong();
    }

    private static JsonNode status(String name, long op) {
        Response r = s.get("/collections/" + name + "/operations/" + op);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("result");
    }

    private static int found(String name) {
        Response r = s.post("/collections/" + name + "/points/count", "{\"exact\": true}");
        return r.json().at("/result/count").asInt();
    }

    @Test
    void indexedTimeAgreesWithTheClientsMeasurement() throws Exception {
        create("fresh", "{\"indexing_threshold\": 1, \"default_segment_number\": 1}");
        SplittableRandom rnd = new SplittableRandom(5);
        int points = 0;
        for (int round = 0; round < 3; round++) {
            double before = total(freshness("fresh").get("to_indexed"));
            long beforeCount = freshness("fresh").at("/to_indexed/count").asLong();
            long op = upsert("fresh", batch(points, 1500, rnd));
            long acked = System.nanoTime();
            points += 1500;
            assertThat(found("fresh")).as("visible at the acknowledgement").isEqualTo(points);
            JsonNode st = status("fresh", op);
            assertThat(st.get("operation_id").asLong()).isEqualTo(op);
            assertThat(st.get("searchable").asBoolean()).isTrue();
            long deadline = acked + 60_000_000_000L;
            while (!st.get("indexed").asBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(2);
                st = status("fresh", op);
            }
            double client = (System.nanoTime() - acked) / 1e9;
            assertThat(st.get("status").asText()).isEqualTo("indexed");
            JsonNode after = freshness("fresh");
            assertThat(after.at("/to_indexed/count").asLong()).isEqualTo(beforeCount + 1);
            double server = total(after.get("to_indexed")) - before;
            // the server counts from the apply (before the acknowledgement), the client until its poll saw it
            assertThat(Math.abs(server - client))
                    .as("round %d: server %.4f s, client %.4f s", round, server, client)
                    .isLessThanOrEqualTo(0.1 + 0.25 * Math.max(server, client));
            assertThat(after.get("last_operation_id").asLong()).isGreaterThanOrEqualTo(op);
        }
        assertThat(freshness("fresh").at("/to_searchable/mean_seconds").asDouble())
                .as("writes are visible once applied")
                .isZero();
        String metrics = s.get("/metrics").text();
        assertThat(metrics)
                .contains("sextant_write_to_indexed_seconds_count{collection=\"fresh\"} 3")
                .contains("sextant_write_to_searchable_seconds_count{collection=\"fresh\"} 3");
    }

    @Test
    void deferredWritesAreSearchableWhenIndexedAndTheServerSaysWhen() throws Exception {
        // prevent_unoptimized: points past the threshold (128 vectors of 64 bytes) wait for the index
        create("deferred", "{\"indexing_threshold\": 8, \"prevent_unoptimized\": true}");
        SplittableRandom rnd = new SplittableRandom(6);
        double before = total(freshness("deferred").get("to_searchable"));
        int n = 4000;
        long op = upsert("deferred", batch(0, n, rnd));
        long acked = System.nanoTime();
        boolean sawHidden = false;
        long deadline = acked + 60_000_000_000L;
        long visibleAt = 0;
        while (System.nanoTime() < deadline) {
            JsonNode st = status("deferred", op);
            boolean searchable = st.get("searchable").asBoolean();
            sawHidden |= !searchable;
            int count = found("deferred");
            if (count == n && visibleAt == 0) {
                visibleAt = System.nanoTime();
            }
            if (searchable) {
                assertThat(count)
                        .as("the server said searchable: every point must be found")
                        .isEqualTo(n);
                break;
            }
            Thread.sleep(2);
        }
        assertThat(visibleAt).as("points never became visible").isPositive();
        double client = (visibleAt - acked) / 1e9;
        double server = total(freshness("deferred").get("to_searchable")) - before;
        assertThat(Math.abs(server - client))
                .as("server %.4f s, client %.4f s (hidden seen: %s)", server, client, sawHidden)
                .isLessThanOrEqualTo(0.1 + 0.25 * Math.max(server, client));
    }

    @Test
    void unknownAndMalformedOperationIds() {
        create("ops", "{}");
        long op = upsert("ops", batch(0, 3, new SplittableRandom(1)));
        Response ahead = s.get("/collections/ops/operations/" + (op + 1000));
        assertThat(ahead.status()).isEqualTo(404);
        assertThat(ahead.json().at("/status/error").asText())
                .contains("operation " + (op + 1000))
                .contains("last applied operation is " + op);
        assertThat(s.get("/collections/ops/operations/abc").status()).isEqualTo(400);
        assertThat(s.get("/collections/ops/operations/-1").status()).isEqualTo(400);
        assertThat(s.get("/collections/missing/operations/1").status()).isEqualTo(404);
    }
}
