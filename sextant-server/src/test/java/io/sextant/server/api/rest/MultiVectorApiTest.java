package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multivectors ({@code multivector_config: {comparator: max_sim}}) over REST: nested vectors in and
 * out, exact max_sim scores checked against a plain re-computation here, HNSW and quantized search
 * over indexed segments, recommend, restart, and Qdrant's errors for malformed input that change
 * nothing.
 */
class MultiVectorApiTest {
    static final int DIM = 8;
    static final int N = 400;
    static final long SEED = 20261206L;

    @TempDir
    static Path storage;

    static TestServer s;
    static float[][][] docs;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        // 400 points of 1..4 vectors of 32 bytes: an indexing threshold of 8 KB builds graphs
        Response created = s.put("/collections/mv", """
                {"vectors": {"colbert": {"size": %d, "distance": "Dot",
                                         "multivector_config": {"comparator": "max_sim"}},
                             "plain": {"size": 2, "distance": "Dot"}},
                 "hnsw_config": {"m": 16, "ef_construct": 64, "full_scan_threshold": 10},
                 "optimizers_config": {"indexing_threshold": 8, "default_segment_number": 2}}
                """.formatted(DIM));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        SplittableRandom rnd = new SplittableRandom(SEED);
        docs = new float[N][][];
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < N; i++) {
            docs[i] = random(rnd, 1 + rnd.nextInt(4));
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": {\"colbert\": ")
                    .append(json(docs[i]))
                    .append(", \"plain\": [1, ")
                    .append(i)
                    .append("]}}");
        }
        Response up =
                s.put("/collections/mv/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        s.awaitGreen("mv", N, Long.MAX_VALUE);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static float[][] random(SplittableRandom rnd, int n) {
        float[][] m = new float[n][DIM];
        for (float[] v : m) {
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
        }
        return m;
    }

    static String json(float[][] m) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < m.length; i++) {
            b.append(i == 0 ? "[" : ",[");
            for (int d = 0; d < m[i].length; d++) {
                b.append(d == 0 ? "" : ",").append(m[i][d]);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    /** max_sim written out plainly: sum over query vectors of the best dot product. */
    static double maxSim(float[][] q, float[][] doc) {
        double sum = 0;
        for (float[] qi : q) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] dj : doc) {
                double dot = 0;
                for (int d = 0; d < qi.length; d++) {
                    dot += (double) qi[d] * dj[d];
                }
                best = Math.max(best, dot);
            }
            sum += best;
        }
        return sum;
    }

    static List<Integer> exactTop(float[][] q, int k) {
        return IntStream.range(0, N)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -maxSim(q, docs[i])))
                .limit(k)
                .toList();
    }

    static List<Integer> ids(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<Integer> out = new ArrayList<>();
        for (JsonNode p : r.json().at("/result/points")) {
            out.add(p.get("id").asInt());
        }
        return out;
    }

    @Test
    void configAndNestedVectorsRoundTrip() {
        JsonNode cfg = s.get("/collections/mv").json().at("/result/config/params/vectors/colbert");
        assertThat(cfg.at("/multivector_config/comparator").asText()).isEqualTo("max_sim");
        assertThat(cfg.has("memory")).isFalse();
        JsonNode v = s.get("/collections/mv/points/7").json().at("/result/vector");
        assertThat(v.get("colbert").size()).isEqualTo(docs[7].length);
        for (int i = 0; i < docs[7].length; i++) {
            for (int d = 0; d < DIM; d++) {
                assertThat(v.get("colbert").get(i).get(d).floatValue()).isEqualTo(docs[7][i][d]);
            }
        }
        assertThat(v.get("plain").toString()).isEqualTo("[1.0,7.0]");
    }

    @Test
    void exactSearchScoresMaxSim() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int t = 0; t < 5; t++) {
            float[][] q = random(rnd, 1 + t);
            Response r = s.post(
                    "/collections/mv/points/query",
                    "{\"query\": " + json(q)
                            + ", \"using\": \"colbert\", \"limit\": 10, \"params\": {\"exact\": true}}");
            assertThat(ids(r)).isEqualTo(exactTop(q, 10));
            JsonNode first = r.json().at("/result/points/0");
            assertThat(first.get("score").asDouble())
                    .isCloseTo(maxSim(q, docs[first.get("id").asInt()]), offset(1e-3));
        }
    }

    @Test
    void hnswSearchFindsTheExactNeighbours() {
        JsonNode info = s.get("/collections/mv").json().at("/result");
        assertThat(info.get("indexed_vectors_count").asLong()).isGreaterThanOrEqualTo(N);
        SplittableRandom rnd = new SplittableRandom(2);
        int found = 0;
        int total = 0;
        for (int t = 0; t < 20; t++) {
            float[][] q = random(rnd, 2);
            List<Integer> got = ids(s.post(
                    "/collections/mv/points/query",
                    "{\"query\": " + json(q)
                            + ", \"using\": \"colbert\", \"limit\": 10, \"params\": {\"hnsw_ef\": 64}}"));
            List<Integer> want = exactTop(q, 10);
            total += want.size();
            found += (int) got.stream().filter(want::contains).count();
        }
        assertThat(found / (double) total).as("recall@10").isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aSingleVectorQueriesAMultivectorAsAMultivectorOfOne() {
        float[][] q = random(new SplittableRandom(3), 1);
        String flat = json(q).substring(1, json(q).length() - 1);
        List<Integer> got = ids(s.post(
                "/collections/mv/points/query",
                "{\"query\": " + flat + ", \"using\": \"colbert\", \"limit\": 5, \"params\": {\"exact\": true}}"));
        assertThat(got).isEqualTo(exactTop(q, 5));
    }

    @Test
    void recommendScoresExamplesByMaxSim() {
        // best_score with one positive point: ranking by max_sim(example, candidate), sigmoid-scaled
        Response r = s.post("/collections/mv/points/query", """
                {"query": {"recommend": {"positive": [3], "strategy": "best_score"}}, "using": "colbert",
                 "limit": 5, "params": {"exact": true}}
                """);
        List<Integer> got = ids(r);
        List<Integer> want = IntStream.range(0, N)
                .filter(i -> i != 3)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -maxSim(docs[3], docs[i])))
                .limit(5)
                .toList();
        assertThat(got).isEqualTo(want);
        // average_vector: the examples' vectors concatenated, searched as one multivector
        List<Integer> avg = ids(s.post("/collections/mv/points/query", """
                {"query": {"recommend": {"positive": [3], "strategy": "average_vector"}}, "using": "colbert",
                 "limit": 5, "params": {"exact": true}}
                """));
        assertThat(avg).isEqualTo(want);
    }

    @Test
    void prefetchThenMultivectorRerankAndGroups() {
        // retrieve by the plain vector (dot with [0, 1] = the point id: the 20 highest ids), rerank by max_sim
        float[][] q = random(new SplittableRandom(5), 2);
        List<Integer> got = ids(s.post(
                "/collections/mv/points/query",
                "{\"prefetch\": {\"query\": [0, 1], \"using\": \"plain\", \"limit\": 20}, \"query\": " + json(q)
                        + ", \"using\": \"colbert\", \"limit\": 5}"));
        List<Integer> want = IntStream.range(N - 20, N)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -maxSim(q, docs[i])))
                .limit(5)
                .toList();
        assertThat(got).isEqualTo(want);
        // groups: a small collection of its own (payload changes would move mv's indexed points)
        Response created = s.put(
                "/collections/mvg",
                "{\"vectors\": {\"colbert\": {\"size\": " + DIM
                        + ", \"distance\": \"Dot\", \"multivector_config\": {\"comparator\": \"max_sim\"}}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 4; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": {\"colbert\": ")
                    .append(json(docs[i]))
                    .append("}, \"payload\": {\"g\": ")
                    .append(i % 2)
                    .append("}}");
        }
        Response up =
                s.put("/collections/mvg/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        Response groups = s.post(
                "/collections/mvg/points/query/groups",
                "{\"query\": " + json(q) + ", \"using\": \"colbert\", \"group_by\": \"g\", \"limit\": 2,"
                        + " \"group_size\": 2, \"params\": {\"exact\": true}}");
        assertThat(groups.status()).as(groups.text()).isEqualTo(200);
        JsonNode gs = groups.json().at("/result/groups");
        assertThat(gs.size()).isEqualTo(2);
        for (JsonNode g : gs) {
            int parity = g.get("id").asInt();
            List<Integer> members = IntStream.range(0, 4)
                    .filter(i -> i % 2 == parity)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -maxSim(q, docs[i])))
                    .toList();
            assertThat(g.at("/hits/0/id").asInt()).isEqualTo(members.get(0));
            assertThat(g.at("/hits/0/score").asDouble()).isCloseTo(maxSim(q, docs[members.get(0)]), offset(1e-3));
        }
    }

    @Test
    void quantizedMultivectorsRescoreToTheExactOrder() {
        Response created = s.put("/collections/mvq", """
                {"vectors": {"size": %d, "distance": "Cosine", "multivector_config": {"comparator": "max_sim"},
                             "quantization_config": {"scalar": {"type": "int8", "always_ram": true}}},
                 "hnsw_config": {"m": 0},
                 "optimizers_config": {"indexing_threshold": 8, "default_segment_number": 1}}
                """.formatted(DIM));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < N; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(json(docs[i]))
                    .append("}");
        }
        Response up =
                s.put("/collections/mvq/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        s.awaitGreen("mvq");
        float[][] q = random(new SplittableRandom(4), 3);
        List<Integer> exact = ids(s.post(
                "/collections/mvq/points/query",
                "{\"query\": " + json(q) + ", \"limit\": 5, \"params\": {\"exact\": true}}"));
        List<Integer> rescored = ids(s.post(
                "/collections/mvq/points/query",
                "{\"query\": " + json(q) + ", \"limit\": 5,"
                        + " \"params\": {\"quantization\": {\"rescore\": true, \"oversampling\": 4}}}"));
        assertThat(rescored).isEqualTo(exact);
    }

    @Test
    void malformedMultivectorsAreRejectedAndChangeNothing() {
        Response ragged = s.put(
                "/collections/mv/points?wait=true",
                "{\"points\": [{\"id\": 1000, \"vector\": {\"colbert\": [[1,2,3,4,5,6,7,8], [1,2]]}}]}");
        assertThat(ragged.status()).as(ragged.text()).isEqualTo(422);
        assertThat(ragged.text()).contains("all vectors must have the same dimension, found vector with dimension 2");
        Response empty = s.put(
                "/collections/mv/points?wait=true", "{\"points\": [{\"id\": 1000, \"vector\": {\"colbert\": [[]]}}]}");
        assertThat(empty.status()).as(empty.text()).isEqualTo(422);
        assertThat(empty.text()).contains("all vectors must be non-empty");
        // uniform but of the wrong dimension: two vectors of 4 for a dimension of 8
        Response wrongDim = s.put(
                "/collections/mv/points?wait=true",
                "{\"points\": [{\"id\": 1000, \"vector\": {\"colbert\": [[1,2,3,4], [5,6,7,8]]}}]}");
        assertThat(wrongDim.status()).as(wrongDim.text()).isEqualTo(400);
        assertThat(wrongDim.text()).contains("expected dim: 8, got 4");
        Response nestedForPlain = s.put(
                "/collections/mv/points?wait=true",
                "{\"points\": [{\"id\": 1000, \"vector\": {\"plain\": [[1, 2], [3, 4]]}}]}");
        assertThat(nestedForPlain.status()).as(nestedForPlain.text()).isEqualTo(400);
        // nested input for a collection without any multivector
        assertThat(s.put("/collections/plainonly", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
        Response nestedInPlainCollection = s.put(
                "/collections/plainonly/points?wait=true", "{\"points\": [{\"id\": 1, \"vector\": [[1, 2], [3, 4]]}]}");
        assertThat(nestedInPlainCollection.status())
                .as(nestedInPlainCollection.text())
                .isEqualTo(400);
        assertThat(s.get("/collections/mv/points/1000").status()).isEqualTo(404);
        assertThat(s.post("/collections/mv/points/count", "{\"exact\": true}")
                        .json()
                        .at("/result/count")
                        .asInt())
                .isEqualTo(N);
    }

    @Test
    void multivectorsSurviveARestart() {
        Response created = s.put(
                "/collections/mvr",
                "{\"vectors\": {\"size\": 2, \"distance\": \"Euclid\", \"multivector_config\": {\"comparator\": \"max_sim\"}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        Response up = s.put("/collections/mvr/points?wait=true", """
                {"points": [{"id": 1, "vector": [[0, 0], [3, 4]]}, {"id": 2, "vector": [[1, 1]]}]}
                """);
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        s.close();
        s = TestServer.start(storage);
        assertThat(s.get("/collections/mvr/points/1")
                        .json()
                        .at("/result/vector")
                        .toString())
                .isEqualTo("[[0.0,0.0],[3.0,4.0]]");
        // Euclid: per query vector the smallest squared distance, summed; reported as its square root
        Response r = s.post("/collections/mvr/points/query", "{\"query\": [[3, 4], [0, 1]], \"limit\": 2}");
        JsonNode first = r.json().at("/result/points/0");
        assertThat(first.get("id").asInt()).as(r.text()).isEqualTo(1);
        assertThat(first.get("score").asDouble()).isCloseTo(1.0, offset(1e-5)); // sqrt(0 + 1)
        s.awaitGreen("mv", N, Long.MAX_VALUE);
    }
}
