package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code optimizers_config.prevent_unoptimized} over HTTP: an upsert with {@code wait=true} that
 * grows the write target past the indexing threshold returns only once its points are in an
 * indexed segment, so the very next count, collection info and {@code indexed_only} search see all
 * of them as indexed. Seeded.
 */
class PreventUnoptimizedApiTest {
    static final int DIM = 16;
    static final int BATCH = 400;

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        // 64 bytes per vector: an 8 KB indexing threshold converts the write target at 128 points
        Response r = s.put("/collections/pu", """
                {"vectors": {"size": %d, "distance": "Dot"},
                 "hnsw_config": {"m": 8, "ef_construct": 32},
                 "optimizers_config": {"indexing_threshold": 8, "prevent_unoptimized": true}}
                """.formatted(DIM));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static String batch(int from, int n, SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("{\"points\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\": ").append(from + i).append(", \"vector\": [");
            for (int d = 0; d < DIM; d++) {
                b.append(d == 0 ? "" : ",").append(rnd.nextDouble() - 0.5);
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    @Test
    void waitTrueReturnsOnlyOnceThePointsAreIndexed() {
        SplittableRandom rnd = new SplittableRandom(77);
        for (int round = 1; round <= 2; round++) {
            Response up = s.put("/collections/pu/points?wait=true", batch((round - 1) * BATCH, BATCH, rnd));
            assertThat(up.status()).as(up.text()).isEqualTo(200);
            assertThat(up.json().at("/result/status").asText()).isEqualTo("completed");
            int expected = round * BATCH;

            // no polling: the answer must already hold
            JsonNode info = s.get("/collections/pu").json().get("result");
            assertThat(info.get("points_count").asInt()).isEqualTo(expected);
            assertThat(info.get("indexed_vectors_count").asInt())
                    .as("round %d: %s", round, info)
                    .isEqualTo(expected);
            assertThat(s.post("/collections/pu/points/count", "{\"exact\": true}")
                            .json()
                            .at("/result/count")
                            .asInt())
                    .isEqualTo(expected);

            Response found = s.post(
                    "/collections/pu/points/query",
                    "{\"query\": [" + "0.1,".repeat(DIM - 1) + "0.1], \"limit\": " + (expected + 10)
                            + ", \"params\": {\"indexed_only\": true, \"exact\": true}}");
            assertThat(found.status()).as(found.text()).isEqualTo(200);
            Set<Integer> ids = new HashSet<>();
            found.json().at("/result/points").forEach(p -> ids.add(p.get("id").asInt()));
            assertThat(ids).as("indexed_only search, round %d", round).hasSize(expected);
        }
    }

    @Test
    void smallWritesBelowTheThresholdDoNotWait() {
        Response r = s.put("/collections/small", """
                {"vectors": {"size": 4, "distance": "Dot"},
                 "optimizers_config": {"indexing_threshold": 10000, "prevent_unoptimized": true}}
                """);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        long t0 = System.nanoTime();
        Response up =
                s.put("/collections/small/points?wait=true", "{\"points\": [{\"id\": 1, \"vector\": [1, 2, 3, 4]}]}");
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        // nothing to index: the call must not sit out the prevent_unoptimized wait (60 s)
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(30_000);
        Response found = s.post(
                "/collections/small/points/query", "{\"query\": [1, 0, 0, 0], \"params\": {\"indexed_only\": true}}");
        assertThat(found.json().at("/result/points").size())
                .as("a segment below the indexing threshold is searched with indexed_only")
                .isEqualTo(1);
    }
}
