package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Result health (issue P13 item 2) against what the client saw: the number of searches and of
 * empty answers, the top score's quantiles over the answers, the share of the collection a filter
 * lets through, and a drift of the top scores after the stored vectors change.
 */
class ResultHealthApiTest {
    @TempDir
    Path dir;

    private static String vec(SplittableRandom rnd, double scale) {
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < 8; d++) {
            b.append(d == 0 ? "" : ",").append(scale * rnd.nextDouble());
        }
        return b.append(']').toString();
    }

    private static void load(TestServer s, SplittableRandom rnd, double scale) {
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 500; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": ")
                    .append(vec(rnd, scale))
                    .append(", \"payload\": {\"kind\": \"")
                    .append(i % 10 == 0 ? "rare" : "common")
                    .append("\"}}");
        }
        Response up =
                s.put("/collections/rh/points?wait=true", body.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
    }

    private static double nearestRank(List<Double> values, double q) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int rank = (int) Math.ceil(q * v.length);
        return v[Math.max(0, rank - 1)];
    }

    @Test
    void figuresMatchWhatTheClientSaw() {
        SplittableRandom rnd = new SplittableRandom(3);
        try (TestServer s = TestServer.start(dir)) {
            assertThat(s.put("/collections/rh", "{\"vectors\": {\"size\": 8, \"distance\": \"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.put(
                                    "/collections/rh/index?wait=true",
                                    "{\"field_name\": \"kind\", \"field_schema\": \"keyword\"}")
                            .status())
                    .isEqualTo(200);
            load(s, rnd, 1);
            List<Double> tops = new ArrayList<>();
            int searches = 0;
            int empty = 0;
            for (int i = 0; i < 400; i++) {
                String body;
                if (i % 5 == 0) { // nothing scores that high: an empty answer
                    body = "{\"query\": " + vec(rnd, 1) + ", \"limit\": 3, \"score_threshold\": 1000}";
                } else if (i % 5 == 1) {
                    body = "{\"query\": " + vec(rnd, 1) + ", \"limit\": 3,"
                            + " \"filter\": {\"must\": [{\"key\": \"kind\", \"match\": {\"value\": \"rare\"}}]}}";
                } else {
                    body = "{\"query\": " + vec(rnd, 1) + ", \"limit\": 3}";
                }
                JsonNode points =
                        s.post("/collections/rh/points/query", body).json().at("/result/points");
                searches++;
                if (points.isEmpty()) {
                    empty++;
                } else {
                    tops.add(points.get(0).get("score").asDouble());
                }
            }
            JsonNode h = s.get("/collections/rh/quality").json().at("/result/result_health/");
            assertThat(h.get("searches").asInt()).isEqualTo(searches);
            assertThat(h.get("zero_results").asInt()).isEqualTo(empty).isEqualTo(80);
            assertThat(h.at("/top_score/samples").asInt()).isEqualTo(tops.size());
            assertThat(h.at("/top_score/p50").asDouble()).isCloseTo(nearestRank(tops, 0.5), within(1e-5));
            assertThat(h.at("/top_score/p10").asDouble()).isCloseTo(nearestRank(tops, 0.1), within(1e-5));
            assertThat(h.at("/top_score/p90").asDouble()).isCloseTo(nearestRank(tops, 0.9), within(1e-5));
            assertThat(h.get("filter_samples").asInt())
                    .as("80 filtered searches, 1 in 16 sampled")
                    .isPositive();
            assertThat(h.get("filter_pass_ratio").asDouble())
                    .as("the filter keeps 10 %")
                    .isCloseTo(0.1, within(0.03));

            String metrics = s.get("/metrics").text();
            assertThat(metrics)
                    .contains("sextant_search_total{collection=\"rh\",vector=\"\"} " + searches)
                    .contains("sextant_search_zero_results_total{collection=\"rh\",vector=\"\"} 80")
                    .contains("sextant_search_top_score{collection=\"rh\",vector=\"\",quantile=\"0.5\"} ");

            // the stored vectors change (a new embedding model, here 3x longer): the median top score moves
            double before = h.at("/top_score/p50").asDouble();
            load(s, rnd, 3);
            for (int i = 0; i < 1100; i++) {
                s.post("/collections/rh/points/query", "{\"query\": " + vec(rnd, 1) + ", \"limit\": 1}");
            }
            double after = s.get("/collections/rh/quality")
                    .json()
                    .at("/result/result_health//top_score/p50")
                    .asDouble();
            assertThat(after).as("median top score drifts with the data").isGreaterThan(2 * before);
        }
    }
}
