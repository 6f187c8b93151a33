package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring kit against a real Prometheus (Debian's {@code prometheus}, installed by {@code
 * bin/test}): the rules pass {@code promtool check rules} and their unit tests, a Prometheus with
 * them scrapes a running Sextant node with its API key, and provoking one condition (a burst of
 * rejected keys) makes its alert fire; every query of the Grafana dashboard evaluates there.
 */
class PrometheusAlertsTest {
    private static final Path KIT =
            Path.of("..", "monitoring", "prometheus").toAbsolutePath().normalize();
    private static final String KEY = "prometheus-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    }

    @Test
    void rulesLoadAndTheAuthBurstAlertFiresAgainstALiveNode() throws Exception {
        assertThat(Path.of("/usr/bin/prometheus"))
                .as("Prometheus is installed by bin/test (Debian package prometheus)")
                .exists();
        run(KIT, "promtool", "check", "rules", "sextant-alerts.yml");
        run(KIT, "promtool", "test", "rules", "sextant-alerts.test.yml");

        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (ServerProcess server = new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log"))
                .with(List.of(), Map.of("SEXTANT__SERVICE__API_KEY", KEY))
                .start()) {
            int promPort = ServerProcess.freePort();
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: ["%s"]
                    scrape_configs:
                      - job_name: sextant
                        authorization: {type: Bearer, credentials: "%s"}
                        static_configs: [{targets: ["127.0.0.1:%d"]}]
                    """.formatted(KIT.resolve("sextant-alerts.yml"), KEY, server.httpPort()));
            Process prometheus = new ProcessBuilder(
                            "/usr/bin/prometheus",
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("prometheus.log").toFile())
                    .start();
            try {
                String api = "http://127.0.0.1:" + promPort + "/api/v1/";
                // the node is scraped with its key: up == 1 and Sextant's own series arrive
                waitFor(() -> {
                    JsonNode r = get(http, api + "query?query=" + enc("sextant_storage_free_bytes"));
                    return r != null && r.at("/data/result").size() == 1;
                });
                assertThat(firing(http, api, "SextantAuthFailureBurst")).isFalse();
                // every query of the Grafana dashboard is valid PromQL that this Prometheus evaluates
                JsonNode dashboard = JSON.readTree(KIT.resolveSibling("grafana")
                        .resolve("sextant-dashboard.json")
                        .toFile());
                int queries = 0;
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText().replace("$instance", ".*");
                        JsonNode r = get(http, api + "query?query=" + enc(expr));
                        assertThat(r).as("dashboard query %s", expr).isNotNull();
                        assertThat(r.path("status").asText()).as(expr).isEqualTo("success");
                        queries++;
                    }
                }
                assertThat(queries).isGreaterThanOrEqualTo(16);

                // provoke: requests with a wrong key, about 20 per second for 6 seconds
                for (int i = 0; i < 120; i++) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/collections"))
                                    .header("api-key", "wrong-key")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isIn(401, 403);
                    Thread.sleep(50);
                }
                waitFor(() -> firing(http, api, "SextantAuthFailureBurst"));
            } finally {
                prometheus.destroy();
                prometheus.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }

    private static JsonNode get(HttpClient http, String url) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean firing(HttpClient http, String api, String alert) {
        JsonNode r = get(http, api + "alerts");
        if (r == null) {
            return false;
        }
        for (JsonNode a : r.at("/data/alerts")) {
            if (alert.equals(a.at("/labels/alertname").asText())
                    && "firing".equals(a.path("state").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
