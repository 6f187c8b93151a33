package io.sextant.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped and parsed by the Prometheus project's own Python parser ({@code
 * prometheus_client.parser}), plus a strict line-grammar check of the exposition format in Java
 * that always runs; {@code /telemetry} shape and details levels.
 */
class MetricsApiTest {

    @TempDir
    static Path storage;

    static SextantServer server;
    static HttpProbe http;

    @BeforeAll
    static void start() {
        server = SextantServer.start(
                ConfigLoader.load(null, Map.of(), new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage)),
                LocalShard::open);
        http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
        assertThat(http.send("PUT", "/collections/docs", "{\"vectors\":{\"size\":3,\"distance\":\"Cosine\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(http.send(
                                "PUT",
                                "/collections/docs/points?wait=true",
                                "{\"points\":[{\"id\":1,\"vector\":[1,0,0]},{\"id\":2,\"vector\":[0,1,0]}]}")
                        .status())
                .isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(http.send("POST", "/collections/docs/points/query", "{\"query\":[1,0,0],\"limit\":1}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(http.send("GET", "/collections/nope", null).status()).isEqualTo(404);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})?"
                    + " (NaN|[+-]Inf|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)( -?[0-9]+)?");

    @Test
    void metricsFollowTheExpositionGrammarAndCarryQdrantNames() {
        Reply r = http.send("GET", "/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        String text = r.text();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            assertThat(
                            line.startsWith("#")
                                    ? COMMENT.matcher(line).matches()
                                    : SAMPLE.matcher(line).matches())
                    .as("line: %s", line)
                    .isTrue();
        }
        assertThat(text)
                .contains("# HELP app_info information about qdrant server\n")
                .contains("app_info{name=\"qdrant\",version=\"1.19.0\",sextant_version=\"")
                .contains("collections_total 1\n")
                .contains("collections_vector_total 2\n")
                .contains("collection_points{id=\"docs\"} 2.0")
                .contains(
                        "rest_responses_total{endpoint=\"/collections/{collection_name}/points/query\",method=\"POST\",status=\"200\"} 5.0")
                .contains(
                        "rest_responses_total{endpoint=\"/collections/{collection_name}\",method=\"GET\",status=\"404\"} 1.0")
                .contains("rest_responses_duration_seconds_bucket{")
                .contains("sextant_search_duration_seconds{collection=\"docs\",quantile=\"0.99\"}")
                .contains("sextant_wal_bytes{collection=\"docs\"}")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
    }

    @Test
    void perCollectionScrapeLabelsRequestFiguresByCollectionInsteadOfGlobally() {
        String global = http.send("GET", "/metrics", null).text();
        String perCollection =
                http.send("GET", "/metrics?per_collection=true", null).text();
        assertThat(global.lines().filter(l -> l.startsWith("rest_responses_")))
                .isNotEmpty()
                .noneMatch(l -> l.contains("collection="));
        assertThat(perCollection)
                .contains(
                        "rest_responses_total{collection=\"docs\",endpoint=\"/collections/{collection_name}/points/query\",method=\"POST\",status=\"200\"} 5.0");
        // requests whose route names no collection are not in the per-collection figures
        assertThat(perCollection.lines().filter(l -> l.startsWith("rest_responses_")))
                .allMatch(l -> l.contains("collection="));
        assertThat(http.send("GET", "/metrics?per_collection=maybe", null).status())
                .isEqualTo(400);
        // requests naming a collection that does not exist add no label
        assertThat(perCollection).doesNotContain("collection=\"nope\"");
    }

    @Test
    void telemetryLevelsFollowQdrantShapes() {
        JsonNode l0 =
                http.send("GET", "/telemetry?details_level=0", null).json().get("result");
        assertThat(l0.properties().stream().map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("id", "app", "collections", "cluster", "requests", "quota");
        assertThat(l0.at("/cluster/enabled").asBoolean(true)).isFalse();
        assertThat(l0.at("/requests/grpc/responses").isObject()).isTrue();
        assertThat(l0.at("/app/features/staging").isBoolean()).isTrue();

        JsonNode l1 =
                http.send("GET", "/telemetry?details_level=1", null).json().get("result");
        assertThat(l1.has("memory") && l1.has("hardware") && l1.has("search_pool"))
                .isTrue();
        assertThat(l1.at("/memory/active_bytes").asLong()).isPositive();
        JsonNode agg = l1.at("/collections/collections/0");
        assertThat(agg.get("vectors").asLong()).isEqualTo(2);
        assertThat(agg.get("optimizers_status").asText()).isEqualTo("ok");
        assertThat(agg.at("/params/vectors/size").asInt()).isEqualTo(3);
        assertThat(l1.at("/requests/rest/responses")
                        .get("POST /collections/{collection_name}/points/query")
                        .at("/200/last_responded")
                        .asText())
                .startsWith(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());

        JsonNode l3 =
                http.send("GET", "/telemetry?details_level=3", null).json().get("result");
        JsonNode shard = l3.at("/collections/collections/0/shards/0");
        assertThat(l3.at("/collections/collections/0/config/hnsw_config/m").asInt())
                .isEqualTo(16);
        assertThat(shard.get("id").asInt()).isZero();
        assertThat(shard.at("/local/num_points").asLong()).isEqualTo(2);
        // two upserts before: the last applied operation is the second (the create made none)
        assertThat(shard.at("/local/update_queue/op_num").asLong()).isEqualTo(1);
        assertThat(shard.at("/local/update_queue/length").asLong()).isZero();
        assertThat(shard.at("/local").has("segments")).isFalse();

        JsonNode l4 =
                http.send("GET", "/telemetry?details_level=4", null).json().get("result");
        JsonNode seg = l4.at("/collections/collections/0/shards/0/local/segments/0");
        assertThat(seg.at("/info/num_points").asLong()).isEqualTo(2);
        assertThat(seg.at("/info/is_appendable").asBoolean()).isTrue();
        assertThat(seg.at("/config/vector_data//size").asInt()).isEqualTo(3);
        assertThat(seg.at("/config/vector_data//distance").asText()).isEqualTo("Cosine");
    }

    @Test
    void prometheusOwnParserAcceptsTheScrape() throws Exception {
        String text = http.send("GET", "/metrics", null).text();
        String script = String.join(
                "\n",
                "import sys, json",
                "from prometheus_client.parser import text_string_to_metric_families",
                "out = {}",
                "for f in text_string_to_metric_families(sys.stdin.read()):",
                "    out[f.name] = {'type': f.type, 'samples': len(f.samples)}",
                "print(json.dumps(out))");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: " + e.getMessage());
            return;
        }
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeFalse(
                err.contains("No module named 'prometheus_client'"),
                "the Prometheus Python client (pip install prometheus_client) is not installed");
        assertThat(p.exitValue()).as("parser stderr: %s", err).isZero();
        JsonNode families = new ObjectMapper().readTree(p.getInputStream());
        assertThat(families.at("/rest_responses_duration_seconds/type").asText())
                .isEqualTo("histogram");
        assertThat(families.at("/rest_responses/type").asText()).isEqualTo("counter");
        assertThat(families.at("/app_info/type").asText()).isEqualTo("gauge");
        assertThat(families.at("/collections_total/type").asText()).isEqualTo("gauge");
        assertThat(families.at("/collection_points/samples").asInt()).isEqualTo(1);
        assertThat(families.at("/sextant_search_duration_seconds/type").asText())
                .isEqualTo("summary");
    }

    @Test
    void telemetryReportsAppCollectionsRequestsAndMemory() {
        Reply basic = http.send("GET", "/telemetry", null);
        assertThat(basic.status()).isEqualTo(200);
        JsonNode res = basic.json().get("result");
        assertThat(res.at("/app/name").asText()).isEqualTo("sextant");
        assertThat(res.at("/collections/number_of_collections").asInt()).isEqualTo(1);
        assertThat(res.at("/collections/collections").isMissingNode()).isTrue();
        assertThat(res.has("memory")).isFalse();
        assertThat(http.send("GET", "/telemetry?details_level=1", null)
                        .json()
                        .at("/result/memory/heap_used_bytes")
                        .asLong())
                .isPositive();
        JsonNode q = res.at("/requests/rest/responses").get("POST /collections/{collection_name}/points/query");
        assertThat(q.at("/200/count").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(q.at("/200/p99_duration_micros").asDouble())
                .isGreaterThanOrEqualTo(q.at("/200/p50_duration_micros").asDouble());

        JsonNode detailed =
                http.send("GET", "/telemetry?details_level=2", null).json().get("result");
        JsonNode docs = detailed.at("/collections/collections/0");
        assertThat(docs.get("id").asText()).isEqualTo("docs");
        assertThat(docs.at("/config/params/vectors/distance").asText()).isEqualTo("Cosine");
        assertThat(docs.has("shards")).isFalse();
        assertThat(http.send("GET", "/telemetry?details_level=x", null).status())
                .isEqualTo(400);
        assertThat(http.send("GET", "/telemetry?details_level=-1", null).status())
                .isEqualTo(400);
    }
}
