package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end fuzzing of the REST request path: a real server (Javalin, the route handlers, the
 * converters, the collection and the storage engine) in this JVM, and each input one HTTP request
 * whose body the fuzzer chooses. The first input byte picks the endpoint: searches, scroll, count
 * and retrieve run against {@code fz} (the README walkthrough's four points, a keyword index on
 * {@code city}); point and index writes run with {@code wait=true} against {@code fw}, which is
 * recreated every {@value #WRITES_PER_COLLECTION} writes so that its size stays bounded; a
 * collection create is deleted again when it succeeds. Invariant: never a 5xx, and every error is
 * in Qdrant's shape {@code {"status":{"error":"…"},"time":…}}.
 *
 * <p>Storage lives under {@code /dev/shm} when it exists. {@code bin/test} replays the seeds and
 * {@code RestEndToEndFuzzTestInputs/request}; {@code bin/bench fuzz} fuzzes.
 */
class RestEndToEndFuzzTest {
    static final int WRITES_PER_COLLECTION = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VECTORS = "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}";
    private static final String POINTS = "{\"points\":["
            + "{\"id\":1,\"vector\":[0.05,0.61,0.76,0.74],\"payload\":{\"city\":\"Berlin\",\"price\":10}},"
            + "{\"id\":2,\"vector\":[0.19,0.81,0.75,0.11],\"payload\":{\"city\":\"London\",\"price\":25}},"
            + "{\"id\":3,\"vector\":[0.36,0.55,0.47,0.94],\"payload\":{\"city\":\"Moscow\",\"price\":30}},"
            + "{\"id\":4,\"vector\":[0.18,0.01,0.85,0.80],\"payload\":{\"city\":\"London\",\"price\":42}}]}";

    /** An endpoint: method and path (the body comes from the input). */
    private record Endpoint(String method, String path) {
        boolean writes() {
            return path.startsWith("/collections/fw");
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/collections/fz/points/query"),
            new Endpoint("POST", "/collections/fz/points/query/batch"),
            new Endpoint("POST", "/collections/fz/points/query/groups"),
            new Endpoint("POST", "/collections/fz/points/search"),
            new Endpoint("POST", "/collections/fz/points/search/batch"),
            new Endpoint("POST", "/collections/fz/points/recommend"),
            new Endpoint("POST", "/collections/fz/points/recommend/batch"),
            new Endpoint("POST", "/collections/fz/points/scroll"),
            new Endpoint("POST", "/collections/fz/points/count"),
            new Endpoint("POST", "/collections/fz/points"),
            new Endpoint("PUT", "/collections/fw/points?wait=true"),
            new Endpoint("POST", "/collections/fw/points/delete?wait=true"),
            new Endpoint("POST", "/collections/fw/points/payload?wait=true"),
            new Endpoint("PUT", "/collections/fw/points/payload?wait=true"),
            new Endpoint("POST", "/collections/fw/points/payload/delete?wait=true"),
            new Endpoint("POST", "/collections/fw/points/payload/clear?wait=true"),
            new Endpoint("PUT", "/collections/fw/points/vectors?wait=true"),
            new Endpoint("POST", "/collections/fw/points/vectors/delete?wait=true"),
            new Endpoint("POST", "/collections/fw/points/batch?wait=true"),
            new Endpoint("PUT", "/collections/fw/index?wait=true"),
            new Endpoint("PATCH", "/collections/fw"),
            new Endpoint("PUT", "/collections/fc"));

    private static Path storage;
    private static TestServer server;
    private static HttpClient http;
    private static String base;
    private static int writes;

    @BeforeAll
    static void start() throws IOException {
        Path root = Files.isDirectory(Path.of("/dev/shm"))
                ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        storage = Files.createTempDirectory(root, "sextant-rest-fuzz");
        server = new TestServer(
                storage.resolve("data"),
                LocalShard::open,
                Map.of(
                        "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                        storage.resolve("snapshots").toString()));
        http = HttpClient.newHttpClient();
        base = "http://127.0.0.1:" + server.server().httpPort();
        assertThat(send("PUT", "/collections/fz", VECTORS).statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/collections/fz/points?wait=true", POINTS).statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "PUT",
                                "/collections/fz/index?wait=true",
                                "{\"field_name\":\"city\",\"field_schema\":\"keyword\"}")
                        .statusCode())
                .isEqualTo(200);
        resetWriteCollection();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        try (Stream<Path> s = Files.walk(storage)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @MethodSource("seeds")
    @FuzzTest
    void request(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Endpoint e = ENDPOINTS.get(Math.floorMod(input[0], ENDPOINTS.size()));
        if (e.writes() && ++writes % WRITES_PER_COLLECTION == 0) {
            resetWriteCollection();
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        HttpResponse<byte[]> r = send(e.method(), e.path(), body);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as("%s %s -> %s", e.method(), e.path(), text).isLessThan(500);
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException notJson) {
            throw new AssertionError(e.method() + " " + e.path() + " answered " + r.statusCode() + " with " + text);
        }
        if (r.statusCode() >= 400) {
            assertThat(json.path("status").path("error").isTextual()).as(text).isTrue();
        } else {
            assertThat(json.path("status").asText()).as(text).isEqualTo("ok");
            if (e.path().equals("/collections/fc")) {
                assertThat(send("DELETE", "/collections/fc", (byte[]) null).statusCode())
                        .isEqualTo(200);
            }
        }
    }

    private static void resetWriteCollection() {
        send("DELETE", "/collections/fw", (byte[]) null);
        assertThat(send("PUT", "/collections/fw", VECTORS).statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/collections/fw/points?wait=true", POINTS).statusCode())
                .isEqualTo(200);
    }

    private static HttpResponse<byte[]> send(String method, String path, String body) {
        return send(method, path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<byte[]> send(String method, String path, byte[] body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException ex) {
            throw new UncheckedIOException(method + " " + path, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** The walkthrough's requests and a few more shapes, each after its endpoint byte. */
    static Stream<byte[]> seeds() {
        String[][] seeds = {
            {
                "0",
                "{\"query\":[0.2,0.1,0.9,0.7],\"limit\":3,\"with_payload\":true,"
                        + "\"filter\":{\"must\":[{\"key\":\"city\",\"match\":{\"value\":\"London\"}}]}}"
            },
            {
                "0",
                "{\"prefetch\":[{\"query\":[0.2,0.1,0.9,0.7],\"limit\":10},{\"query\":{\"recommend\":"
                        + "{\"positive\":[1],\"negative\":[2]}},\"limit\":10}],\"query\":{\"fusion\":\"rrf\"},\"limit\":3}"
            },
            {"0", "{\"query\":{\"order_by\":{\"key\":\"price\",\"direction\":\"desc\"}},\"limit\":2}"},
            {"1", "{\"searches\":[{\"query\":[0.2,0.1,0.9,0.7],\"limit\":2},{\"query\":1,\"limit\":1}]}"},
            {"2", "{\"query\":[0.2,0.1,0.9,0.7],\"group_by\":\"city\",\"limit\":2,\"group_size\":2}"},
            {
                "3",
                "{\"vector\":[0.2,0.1,0.9,0.7],\"limit\":3,\"offset\":1,"
                        + "\"filter\":{\"must\":[{\"key\":\"price\",\"range\":{\"gte\":20}}]}}"
            },
            {"5", "{\"positive\":[1,2],\"negative\":[3],\"limit\":3,\"strategy\":\"best_score\"}"},
            {"7", "{\"limit\":2,\"with_payload\":true,\"offset\":2}"},
            {"8", "{\"exact\":true,\"filter\":{\"must\":[{\"key\":\"price\",\"range\":{\"gte\":20}}]}}"},
            {"9", "{\"ids\":[1,4],\"with_payload\":[\"city\"],\"with_vector\":true}"},
            {"10", POINTS},
            {"11", "{\"points\":[4]}"},
            {"12", "{\"payload\":{\"color\":\"red\"},\"points\":[1,2],\"key\":\"nested.a\"}"},
            {
                "14",
                "{\"keys\":[\"color\",\"price\"],\"filter\":{\"must\":[{\"key\":\"city\",\"match\":{\"value\":\"Berlin\"}}]}}"
            },
            {"16", "{\"points\":[{\"id\":1,\"vector\":[0.1,0.2,0.3,0.4]}]}"},
            {
                "18",
                "{\"operations\":[{\"upsert\":{\"points\":[{\"id\":5,\"vector\":[1,2,3,4]}]}},"
                        + "{\"overwrite_payload\":{\"payload\":{\"k\":1},\"points\":[5]}},{\"delete\":{\"points\":[5]}}]}"
            },
            {"19", "{\"field_name\":\"price\",\"field_schema\":\"integer\"}"},
            {"20", "{\"optimizers_config\":{\"indexing_threshold\":100}}"},
            {"21", VECTORS}
        };
        return Arrays.stream(seeds).map(s -> {
            byte[] body = s[1].getBytes(StandardCharsets.UTF_8);
            byte[] seed = new byte[body.length + 1];
            seed[0] = (byte) Integer.parseInt(s[0]);
            System.arraycopy(body, 0, seed, 1, body.length);
            return seed;
        });
    }
}
