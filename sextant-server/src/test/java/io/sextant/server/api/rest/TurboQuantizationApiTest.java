package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP on the real storage engine: {@code quantization_config: {"turbo": …}} per collection
 * and per named vector is accepted, echoed (with {@code always_ram} only when given), persisted
 * across a restart and changed by PATCH; an indexed collection with turbo codes searches with
 * {@code params.quantization} {ignore, rescore, oversampling} like scalar and binary; bad turbo
 * configs are 400 and change nothing; the {@code turbo4} datatype stores codes and returns the
 * decoded vector. Seeded.
 */
class TurboQuantizationApiTest {
    static final long SEED = 20261206L;
    static final int DIM = 48;
    static final int N = 600;

    @TempDir
    static Path storage;

    static TestServer s;
    static float[][] vectors;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        // 192 bytes per vector: an indexing threshold of 8 KB converts the write target at ~43 points
        Response created = s.put("/collections/t", """
                {"vectors": {"size": %d, "distance": "Dot"},
                 "hnsw_config": {"m": 8, "ef_construct": 32, "full_scan_threshold": 10},
                 "quantization_config": {"turbo": {"bits": "bits4", "always_ram": true}},
                 "optimizers_config": {"indexing_threshold": 8, "default_segment_number": 2}}
                """.formatted(DIM));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        SplittableRandom rnd = new SplittableRandom(SEED);
        vectors = new float[N][DIM];
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < N; i++) {
            for (int d = 0; d < DIM; d++) {
                vectors[i][d] = (float) (rnd.nextGaussian() + (d % 3 == 0 ? 0.5 : 0));
            }
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(IndexedSearchApiTest.json(vectors[i]))
                    .append("}");
        }
        Response up = s.put("/collections/t/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        s.awaitIndexed("t", N);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static List<Integer> exactTop(float[] q, int k) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add(i);
        }
        ids.sort((a, b) -> Double.compare(dot(q, vectors[b]), dot(q, vectors[a])));
        return ids.subList(0, k);
    }

    static Response query(float[] q, int limit, String params) {
        return s.post(
                "/collections/t/points/query",
                "{\"query\": " + IndexedSearchApiTest.json(q) + ", \"limit\": " + limit
                        + (params == null ? "" : ", \"params\": " + params) + "}");
    }

    static double recall(String params) {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int hit = 0;
        for (int t = 0; t < 20; t++) {
            float[] q = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                q[d] = (float) rnd.nextGaussian();
            }
            Set<Integer> truth = new HashSet<>(exactTop(q, 10));
            Response r = query(q, 10, params);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            for (JsonNode p : r.json().at("/result/points")) {
                hit += truth.contains(p.get("id").asInt()) ? 1 : 0;
            }
        }
        return hit / 200.0;
    }

    @Test
    void searchWithTurboCodesHonoursQuantizationParams() {
        double rescored = recall("{\"hnsw_ef\": 128, \"quantization\": {\"rescore\": true, \"oversampling\": 3}}");
        double raw = recall("{\"hnsw_ef\": 128, \"quantization\": {\"rescore\": false}}");
        double ignored = recall("{\"hnsw_ef\": 128, \"quantization\": {\"ignore\": true}}");
        assertThat(rescored).as("rescored, oversampling 3").isGreaterThanOrEqualTo(0.95);
        assertThat(ignored).as("codes ignored").isGreaterThanOrEqualTo(0.95);
        assertThat(raw).as("4-bit scores without rescoring").isGreaterThanOrEqualTo(0.7);

        float[] q = vectors[11];
        JsonNode exact = query(q, 1, "{\"exact\": true}").json().at("/result/points/0");
        JsonNode rescoredHit =
                query(q, 1, "{\"quantization\": {\"rescore\": true}}").json().at("/result/points/0");
        JsonNode rawHit =
                query(q, 1, "{\"quantization\": {\"rescore\": false}}").json().at("/result/points/0");
        assertThat(rescoredHit.get("id").asInt()).isEqualTo(exact.get("id").asInt());
        assertThat(rescoredHit.get("score").asDouble())
                .isCloseTo(exact.get("score").asDouble(), Offset.offset(1e-3));
        // 4-bit codes: the approximate dot product is close to, but not exactly, the true one
        double e = exact.get("score").asDouble();
        assertThat(rawHit.get("score").asDouble())
                .isCloseTo(e, Offset.offset(0.1 * Math.abs(e)))
                .isNotCloseTo(e, Offset.offset(1e-4));
    }

    @Test
    void configIsEchoedPatchedPersistedAndValidated(@TempDir Path other) {
        try (TestServer t = TestServer.start(other)) {
            Response created = t.put("/collections/named", """
                    {"vectors": {
                        "image": {"size": 8, "distance": "Cosine",
                                  "quantization_config": {"turbo": {"bits": "bits4", "always_ram": true}}},
                        "text": {"size": 8, "distance": "Euclid",
                                 "quantization_config": {"turbo": {"bits": "bits1_5"}}}},
                     "quantization_config": {"turbo": {}}}
                    """);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            JsonNode config = t.get("/collections/named").json().at("/result/config");
            assertThat(config.at("/params/vectors/image/quantization_config/turbo/bits")
                            .asText())
                    .isEqualTo("bits4");
            assertThat(config.at("/params/vectors/image/quantization_config/turbo/always_ram")
                            .asBoolean())
                    .isTrue();
            assertThat(config.at("/params/vectors/text/quantization_config/turbo/bits")
                            .asText())
                    .isEqualTo("bits1_5");
            assertThat(config.at("/params/vectors/text/quantization_config/turbo")
                            .has("always_ram"))
                    .isFalse();
            assertThat(config.at("/quantization_config/turbo").isObject())
                    .as(config.toString())
                    .isTrue();
            assertThat(config.at("/quantization_config/turbo").size()).isZero();

            Response patched = t.patch("/collections/named", """
                    {"quantization_config": {"turbo": {"bits": "bits2", "always_ram": true}},
                     "vectors": {"text": {"quantization_config": {"turbo": {"bits": "bits1"}}}}}
                    """);
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);

            for (String bad : List.of(
                    "{\"quantization_config\": {\"turbo\": {\"bits\": \"bits3\"}}}",
                    "{\"quantization_config\": {\"turbo\": {\"bits\": 4}}}",
                    "{\"quantization_config\": {\"turbo\": 4}}")) {
                Response r = t.patch("/collections/named", bad);
                assertThat(r.status()).as(bad + " -> " + r.text()).isEqualTo(400);
                assertThat(r.json().at("/status/error").asText()).isNotBlank();
            }
        }
        try (TestServer t = TestServer.start(other)) {
            JsonNode config = t.get("/collections/named").json().at("/result/config");
            assertThat(config.at("/quantization_config/turbo/bits").asText())
                    .as(config.toString())
                    .isEqualTo("bits2");
            assertThat(config.at("/quantization_config/turbo/always_ram").asBoolean())
                    .isTrue();
            assertThat(config.at("/params/vectors/text/quantization_config/turbo/bits")
                            .asText())
                    .isEqualTo("bits1");
            assertThat(config.at("/params/vectors/image/quantization_config/turbo/bits")
                            .asText())
                    .isEqualTo("bits4");
        }
    }

    @Test
    void turbo4DatatypeReturnsDecodedVectors() {
        Response created = s.put(
                "/collections/t4", "{\"vectors\": {\"size\": 63, \"distance\": \"Dot\", \"datatype\": \"turbo4\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(s.get("/collections/t4")
                        .json()
                        .at("/result/config/params/vectors/datatype")
                        .asText())
                .isEqualTo("turbo4");
        SplittableRandom rnd = new SplittableRandom(SEED + 4);
        float[][] rows = new float[20][63];
        StringBuilder body = new StringBuilder("{\"points\": [{\"id\": 100, \"vector\": ");
        body.append(IndexedSearchApiTest.json(new float[63])).append("}");
        for (int i = 0; i < rows.length; i++) {
            for (int d = 0; d < 63; d++) {
                rows[i][d] = (float) rnd.nextGaussian();
            }
            body.append(",{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(IndexedSearchApiTest.json(rows[i]))
                    .append("}");
        }
        Response up =
                s.put("/collections/t4/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        for (int i = 0; i < rows.length; i++) {
            JsonNode v = s.get("/collections/t4/points/" + i).json().at("/result/vector");
            assertThat(v.size()).isEqualTo(63);
            float[] got = new float[63];
            for (int d = 0; d < 63; d++) {
                got[d] = (float) v.get(d).asDouble();
            }
            double cos = dot(got, rows[i]) / Math.sqrt(dot(got, got) * dot(rows[i], rows[i]));
            assertThat(cos).as("seed %d row %d", SEED, i).isGreaterThan(0.97).isLessThan(1.0);
        }
        JsonNode zero = s.get("/collections/t4/points/100").json().at("/result/vector");
        for (JsonNode x : zero) {
            assertThat(x.asDouble()).isEqualTo(0.0);
        }
        Response hits = s.post(
                "/collections/t4/points/query",
                "{\"query\": " + IndexedSearchApiTest.json(rows[5]) + ", \"limit\": 3}");
        assertThat(hits.status()).as(hits.text()).isEqualTo(200);
        assertThat(hits.json().at("/result/points/0/id").asInt()).isEqualTo(5);
        Response sparse =
                s.put("/collections/t4s", "{\"sparse_vectors\": {\"s\": {\"index\": {\"datatype\": \"turbo4\"}}}}");
        assertThat(sparse.status()).as(sparse.text()).isEqualTo(400);
        assertThat(s.get("/collections/t4s").status()).isEqualTo(404);
    }
}
