package io.sextant.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live recall on a real server (issue P13, item 1): a too-low {@code hnsw_ef} makes the sampled
 * recall fall under the threshold, which shows in {@code /metrics} and {@code /issues}; raising it
 * brings the reading back and clears both.
 */
class LiveRecallApiTest {
    private static final Pattern LOW =
            Pattern.compile("sextant_live_recall_low\\{collection=\"lr\",vector=\"\"\\} (\\S+)");
    private static final Pattern RECALL =
            Pattern.compile("sextant_live_recall\\{collection=\"lr\",vector=\"\"\\} (\\S+)");
    private static final Pattern SAMPLES =
            Pattern.compile("sextant_live_recall_samples\\{collection=\"lr\",vector=\"\"\\} (\\S+)");

    @TempDir
    Path dir;

    @Test
    void lowEfDropsLiveRecallUnderTheThresholdAndARaisedEfRestoresIt() throws Exception {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        Map<String, String> env = Map.of(
                "SEXTANT__QUALITY__LIVE_RECALL__SAMPLE_RATE", "1",
                "SEXTANT__QUALITY__LIVE_RECALL__WINDOW", "20",
                "SEXTANT__QUALITY__LIVE_RECALL__MIN_SAMPLES", "10",
                "SEXTANT__QUALITY__LIVE_RECALL__CPU_BUDGET", "1",
                "SEXTANT__QUALITY__LIVE_RECALL__THRESHOLD", "0.9");
        try (TestServer s = new TestServer(dir, LocalShard::open, env)) {
            assertThat(s.put(
                                    "/collections/lr",
                                    "{\"vectors\":{\"size\":16,\"distance\":\"Euclid\"},"
                                            + "\"hnsw_config\":{\"m\":4,\"ef_construct\":8},"
                                            + "\"optimizers_config\":{\"indexing_threshold\":1,\"default_segment_number\":1}}")
                            .status())
                    .isEqualTo(200);
            int n = 3000;
            for (int b = 0; b < n; b += 500) {
                StringBuilder sb = new StringBuilder("{\"points\":[");
                for (int i = b; i < b + 500; i++) {
                    sb.append(i == b ? "" : ",")
                            .append("{\"id\":")
                            .append(i)
                            .append(",\"vector\":")
                            .append(vec(rnd));
                    sb.append('}');
                }
                assertThat(s.put(
                                        "/collections/lr/points?wait=true",
                                        sb.append("]}").toString())
                                .status())
                        .isEqualTo(200);
            }
            s.awaitIndexed("lr", n);

            query(s, rnd, 1, 40);
            String metrics = awaitSamples(s, 10);
            double low = value(RECALL, metrics);
            assertThat(low).as("recall with hnsw_ef 1 (seed %d)", seed).isLessThan(0.9);
            assertThat(value(LOW, metrics)).isEqualTo(1.0);
            String issues = s.get("/issues").text();
            assertThat(issues).contains("LOW_RECALL/lr/").contains("under the threshold 0.90");
            var lr = s.get("/collections/lr/quality").json().path("result").path("live_recall");
            assertThat(lr.path("vectors").path("").path("low").asBoolean()).isTrue();
            assertThat(lr.path("vectors").path("").path("samples").asInt()).isGreaterThanOrEqualTo(10);
            assertThat(lr.path("samples_run").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(lr.path("sampling_cpu_seconds").asDouble())
                    .as("the cost of sampling")
                    .isPositive();
            assertThat(s.get("/metrics").text())
                    .containsPattern("sextant_quality_sampling_cpu_seconds_total [0-9.Ee-]+\n");

            query(s, rnd, n, 40); // ef >= points: the graph search finds the exact neighbours
            long deadline = System.nanoTime() + 60_000_000_000L;
            double recall;
            do {
                Thread.sleep(100);
                recall = value(RECALL, s.get("/metrics").text());
            } while (recall < 0.9 && System.nanoTime() < deadline);
            assertThat(recall)
                    .as("recall after raising hnsw_ef (seed %d)", seed)
                    .isGreaterThanOrEqualTo(0.9);
            assertThat(value(LOW, s.get("/metrics").text())).isEqualTo(0.0);
            assertThat(s.get("/issues").text()).doesNotContain("LOW_RECALL/lr/");
            assertThat(s.get("/collections/lr/quality")
                            .json()
                            .at("/result/live_recall/vectors//low")
                            .asBoolean())
                    .isFalse();
            assertThat(s.get("/collections/nope/quality").status()).isEqualTo(404);
        }
    }

    private static void query(TestServer s, Random rnd, int ef, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(s.post(
                                    "/collections/lr/points/query",
                                    "{\"query\":" + vec(rnd) + ",\"limit\":10,\"params\":{\"hnsw_ef\":" + ef + "}}")
                            .status())
                    .isEqualTo(200);
        }
    }

    private static String awaitSamples(TestServer s, int min) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            String m = s.get("/metrics").text();
            Matcher x = SAMPLES.matcher(m);
            if (x.find() && Double.parseDouble(x.group(1)) >= min) {
                return m;
            }
            assertThat(System.nanoTime()).as("samples in time; metrics:\n%s", m).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static double value(Pattern p, String metrics) {
        Matcher m = p.matcher(metrics);
        assertThat(m.find()).as("%s in\n%s", p, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String vec(Random rnd) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < 16; d++) {
            sb.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextGaussian()));
        }
        return sb.append(']').toString();
    }
}
