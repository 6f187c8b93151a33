package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP on the real storage engine: a collection created with {@code hnsw_config} and {@code
 * quantization_config} gets indexed in the background, {@code GET /collections/{c}/optimizations}
 * reports it, the search params {@code hnsw_ef}, {@code exact}, {@code indexed_only} and {@code
 * quantization: {ignore, rescore, oversampling}} are honoured, and a PATCH of the HNSW and
 * quantization config rebuilds the segments. Seeded.
 */
class IndexedSearchApiTest {
    static final long SEED = 20261122L;
    static final int DIM = 16;
    static final int N = 600;

    @TempDir
    static Path storage;

    static TestServer s;
    static float[][] vectors;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        // 64 bytes per vector: an indexing threshold of 8 KB converts the write target at 128 points
        Response created = s.put("/collections/q", """
                {"vectors": {"size": %d, "distance": "Cosine"},
                 "hnsw_config": {"m": 8, "ef_construct": 32, "full_scan_threshold": 10},
                 "quantization_config": {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": true}},
                 "optimizers_config": {"indexing_threshold": 8, "default_segment_number": 2}}
                """.formatted(DIM));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        SplittableRandom rnd = new SplittableRandom(SEED);
        vectors = new float[N][DIM];
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < N; i++) {
            for (int d = 0; d < DIM; d++) {
                vectors[i][d] = (float) rnd.nextGaussian();
            }
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(json(vectors[i]))
                    .append(", \"payload\": {\"g\": \"")
                    .append(i % 2 == 0 ? "even" : "odd")
                    .append("\"}}");
        }
        Response up = s.put("/collections/q/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        awaitGreen("q", N);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static String json(float[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", v[i]));
        }
        return b.append("]").toString();
    }

    /** Polls collection info until it is green with {@code indexed} indexed vectors; returns the info. */
    static JsonNode awaitGreen(String collection, long indexed) {
        return s.awaitIndexed(collection, indexed);
    }

    static List<Integer> exactTop(float[] q, int k) {
        double qn = norm(q);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add(i);
        }
        ids.sort((a, b) -> Double.compare(cos(q, qn, vectors[b]), cos(q, qn, vectors[a])));
        return ids.subList(0, k);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double cos(float[] q, double qn, float[] v) {
        double dot = 0;
        for (int i = 0; i < q.length; i++) {
            dot += q[i] * v[i];
        }
        return dot / (qn * norm(v));
    }

    static List<Integer> ids(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<Integer> out = new ArrayList<>();
        for (JsonNode p : r.json().at("/result/points")) {
            out.add(p.get("id").asInt());
        }
        return out;
    }

    static Response query(String collection, float[] q, int limit, String params) {
        return s.post(
                "/collections/" + collection + "/points/query",
                "{\"query\": " + json(q) + ", \"limit\": " + limit + (params == null ? "" : ", \"params\": " + params)
                        + "}");
    }

    /** Recall@k of {@code params} over 20 seeded queries against the exact top k. */
    static double recall(String collection, String params, int k) {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int hit = 0;
        for (int t = 0; t < 20; t++) {
            float[] q = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                q[d] = (float) rnd.nextGaussian();
            }
            Set<Integer> truth = new HashSet<>(exactTop(q, k));
            for (int id : ids(query(collection, q, k, params))) {
                hit += truth.contains(id) ? 1 : 0;
            }
        }
        return hit / (20.0 * k);
    }

    @Test
    void optimizationsEndpointReportsTheIndexing() {
        Response r = s.get("/collections/q/optimizations?with=queued,completed,idle_segments");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode res = r.json().get("result");
        assertThat(res.at("/summary/queued_optimizations").asInt()).isZero();
        assertThat(res.get("running").size()).isZero();
        assertThat(res.get("queued").size()).isZero();
        JsonNode completed = res.get("completed");
        assertThat(completed.size()).isPositive();
        boolean indexing = false;
        for (JsonNode o : completed) {
            assertThat(o.get("status").asText()).isEqualTo("done");
            assertThat(o.get("uuid").asText()).hasSize(36);
            assertThat(o.at("/progress/started_at").isTextual()).isTrue();
            assertThat(o.at("/progress/duration_sec").isNumber()).isTrue();
            assertThat(o.get("segments").size()).isPositive();
            indexing |= o.get("optimizer").asText().equals("indexing");
        }
        assertThat(indexing).as(completed.toString()).isTrue();
        long idlePoints = 0;
        for (JsonNode seg : res.get("idle_segments")) {
            idlePoints += seg.get("points_count").asLong();
        }
        assertThat(idlePoints).isEqualTo(N);
        assertThat(res.at("/summary/idle_segments").asInt())
                .isEqualTo(res.get("idle_segments").size());

        Response plain = s.get("/collections/q/optimizations");
        assertThat(plain.json().get("result").has("completed")).isFalse();
        Response limited = s.get("/collections/q/optimizations?with=completed&completed_limit=1");
        assertThat(limited.json().at("/result/completed").size()).isEqualTo(1);
        assertThat(s.get("/collections/q/optimizations?with=everything").status())
                .isEqualTo(400);
        assertThat(s.get("/collections/q/optimizations?completed_limit=-1").status())
                .isEqualTo(400);
        assertThat(s.get("/collections/nope/optimizations").status()).isEqualTo(404);
    }

    @Test
    void searchParamsAreHonoured() {
        float[] q = vectors[7].clone();
        List<Integer> truth = exactTop(q, 10);
        assertThat(ids(query("q", q, 10, "{\"exact\": true}"))).isEqualTo(truth);
        assertThat(ids(query("q", q, 10, "{\"quantization\": {\"ignore\": true}, \"hnsw_ef\": 600}")))
                .isEqualTo(truth);
        assertThat(recall("q", "{\"exact\": true}", 10)).isEqualTo(1.0);
        double defaults = recall("q", null, 10);
        double rescored =
                recall("q", "{\"hnsw_ef\": 128, \"quantization\": {\"rescore\": true, \"oversampling\": 3}}", 10);
        double raw = recall("q", "{\"hnsw_ef\": 128, \"quantization\": {\"rescore\": false}}", 10);
        assertThat(defaults).as("default params").isGreaterThanOrEqualTo(0.85);
        assertThat(rescored).as("rescored with oversampling 3").isGreaterThanOrEqualTo(0.95);
        assertThat(raw).as("int8 scores without rescoring").isGreaterThanOrEqualTo(0.6);

        // rescored scores are exact cosine; quantized-only scores are approximate but close
        JsonNode exactHit = query("q", q, 1, "{\"exact\": true}").json().at("/result/points/0");
        JsonNode rescoredHit = query("q", q, 1, "{\"quantization\": {\"rescore\": true}}")
                .json()
                .at("/result/points/0");
        assertThat(rescoredHit.get("score").asDouble())
                .isCloseTo(exactHit.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        JsonNode rawHit = query("q", q, 1, "{\"quantization\": {\"rescore\": false}}")
                .json()
                .at("/result/points/0");
        assertThat(rawHit.get("score").asDouble())
                .isCloseTo(exactHit.get("score").asDouble(), org.assertj.core.data.Offset.offset(0.05));

        // everything is indexed, so indexed_only changes nothing
        assertThat(ids(query("q", q, 10, "{\"indexed_only\": true, \"exact\": true}")))
                .isEqualTo(truth);

        // a filtered search (full_scan_threshold 10 KB = 160 vectors, about as many as match per segment)
        Response filtered = s.post(
                "/collections/q/points/query",
                "{\"query\": " + json(q) + ", \"limit\": 5, \"filter\": {\"must\": [{\"key\": \"g\", \"match\": "
                        + "{\"value\": \"even\"}}]}, \"with_payload\": true, \"params\": {\"hnsw_ef\": 100}}");
        assertThat(filtered.status()).as(filtered.text()).isEqualTo(200);
        assertThat(filtered.json().at("/result/points").size()).isEqualTo(5);
        for (JsonNode p : filtered.json().at("/result/points")) {
            assertThat(p.at("/payload/g").asText()).isEqualTo("even");
        }

        // the legacy search endpoint takes the same params
        Response legacy = s.post(
                "/collections/q/points/search",
                "{\"vector\": " + json(q) + ", \"limit\": 10, \"params\": {\"exact\": true}}");
        assertThat(legacy.status()).as(legacy.text()).isEqualTo(200);
        List<Integer> legacyIds = new ArrayList<>();
        legacy.json().get("result").forEach(p -> legacyIds.add(p.get("id").asInt()));
        assertThat(legacyIds).isEqualTo(truth);
    }

    @Test
    void badSearchParamsAre4xx() {
        float[] q = vectors[0];
        // a value out of its range is Qdrant's validation error (422), a malformed one a format error (400)
        Response zeroEf = query("q", q, 3, "{\"hnsw_ef\": 0}");
        assertThat(zeroEf.status()).as(zeroEf.text()).isEqualTo(422);
        assertThat(zeroEf.json().at("/status/error").asText()).startsWith("Validation error in JSON body");
        for (String bad : List.of(
                "{\"hnsw_ef\": -3}",
                "{\"exact\": \"yes\"}",
                "{\"quantization\": {\"oversampling\": 0.5}}",
                "{\"quantization\": {\"rescore\": 1}}",
                "{\"quantization\": {\"teleport\": true}}",
                "{\"warp\": 9}")) {
            Response r = query("q", q, 3, bad);
            assertThat(r.status()).as(bad + " -> " + r.text()).isEqualTo(400);
            assertThat(r.json().at("/status/error").asText()).isNotBlank();
        }
    }

    @Test
    void patchOfHnswAndQuantizationRebuilds() {
        Response created = s.put("/collections/p", """
                {"vectors": {"size": %d, "distance": "Cosine"},
                 "hnsw_config": {"m": 4, "ef_construct": 16},
                 "quantization_config": {"scalar": {"type": "int8"}},
                 "optimizers_config": {"indexing_threshold": 8, "default_segment_number": 1}}
                """.formatted(DIM));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < N; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(json(vectors[i]))
                    .append("}");
        }
        assertThat(s.put("/collections/p/points?wait=true", body.append("]}").toString())
                        .status())
                .isEqualTo(200);
        awaitGreen("p", N);
        int doneBefore = s.get("/collections/p/optimizations?with=completed")
                .json()
                .at("/result/completed")
                .size();

        Response patched = s.patch("/collections/p", """
                {"hnsw_config": {"m": 12, "ef_construct": 64},
                 "quantization_config": {"binary": {"encoding": "two_bits"}}}
                """);
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        JsonNode info = awaitRebuilt("p", doneBefore);
        assertThat(info.at("/config/hnsw_config/m").asInt()).isEqualTo(12);
        assertThat(info.at("/config/hnsw_config/ef_construct").asInt()).isEqualTo(64);
        assertThat(info.at("/config/quantization_config/binary").isObject())
                .as(info.toString())
                .isTrue();
        assertThat(info.get("points_count").asInt()).isEqualTo(N);
        JsonNode completed =
                s.get("/collections/p/optimizations?with=completed").json().at("/result/completed");
        boolean reindexed = false;
        for (JsonNode o : completed) {
            reindexed |= o.get("optimizer").asText().equals("config_mismatch");
        }
        assertThat(reindexed).as(completed.toString()).isTrue();
        // 2-bit codes of 16 dimensions are coarse (0.74 measured at oversampling 4): rescoring more
        // candidates must help, and the floor catches codes that score nonsense
        double os1 = recall("p", "{\"quantization\": {\"oversampling\": 1}}", 10);
        double os4 = recall("p", "{\"quantization\": {\"oversampling\": 4}}", 10);
        assertThat(os4)
                .as("binary, oversampling 4 vs 1 (%s)", os1)
                .isGreaterThan(os1)
                .isGreaterThanOrEqualTo(0.6);

        // disabling quantization rebuilds again and search stays exact-quality
        Response off = s.patch("/collections/p", "{\"quantization_config\": \"Disabled\"}");
        assertThat(off.status()).as(off.text()).isEqualTo(200);
        int doneNow = completed.size();
        JsonNode after = awaitRebuilt("p", doneNow);
        assertThat(after.at("/config/quantization_config").isNull()
                        || after.at("/config/quantization_config").isMissingNode())
                .as(after.toString())
                .isTrue();
        assertThat(recall("p", "{\"hnsw_ef\": 200}", 10)).isGreaterThanOrEqualTo(0.95);
    }

    /** Waits until more optimizations than {@code doneBefore} completed and the collection is green again. */
    static JsonNode awaitRebuilt(String collection, int doneBefore) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            int done = s.get("/collections/" + collection + "/optimizations?with=completed")
                    .json()
                    .at("/result/completed")
                    .size();
            if (done > doneBefore) {
                return awaitGreen(collection, N);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no rebuild of " + collection + " after the PATCH");
    }
}
