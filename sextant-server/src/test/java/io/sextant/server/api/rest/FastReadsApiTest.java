package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.auth.TestTokens;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST fast path ({@link FastReads}) against Javalin: two servers with the same data, one with
 * the fast path (the default) and one without ({@code -Dsextant.rest.fast=false}), get the same
 * requests; status, headers (but {@code Date}) and body (but the {@code time} value) must be the
 * same, for random queries, errors, authentication and authorization, compression and CORS. The
 * fast server's counter shows the requests really took the fast path.
 */
class FastReadsApiTest {

    static final String KEY = "fast-path-key-0123456789abcdefghijklmn";
    static final String RO_KEY = "fast-path-read-only-0123456789";
    static final long SEED = Long.getLong("test.seed", System.nanoTime());
    static final int DIM = 8;

    @TempDir
    static Path fastDir;

    @TempDir
    static Path javalinDir;

    static TestServer fast;
    static TestServer javalin;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of(
                "SEXTANT__SERVICE__API_KEY", KEY,
                "SEXTANT__SERVICE__READ_ONLY_API_KEY", RO_KEY,
                "SEXTANT__SERVICE__JWT_RBAC", "true");
        fast = new TestServer(fastDir, LocalShard::open, env);
        System.setProperty(FastReads.PROPERTY, "false");
        try {
            javalin = new TestServer(javalinDir, LocalShard::open, env);
        } finally {
            System.clearProperty(FastReads.PROPERTY);
        }
        assertThat(fast.server().restFastPathServed()).isZero();
        assertThat(javalin.server().restFastPathServed()).isEqualTo(-1);
        Random rnd = new Random(SEED);
        StringBuilder points = new StringBuilder("{\"points\":[");
        for (int i = 0; i < 60; i++) {
            points.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"vector\":")
                    .append(vector(rnd))
                    .append(",\"payload\":{\"k\":\"v")
                    .append(i % 5)
                    .append("\",\"text\":\"")
                    .append("x".repeat(60))
                    .append("\"}}");
        }
        points.append("]}");
        for (TestServer s : List.of(fast, javalin)) {
            String base = "http://127.0.0.1:" + s.server().httpPort();
            assertThat(send(
                                    base,
                                    "PUT",
                                    "/collections/alpha",
                                    "{\"vectors\":{\"size\":8,\"distance\":\"Cosine\"}}",
                                    "api-key",
                                    KEY)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send(
                                    base,
                                    "PUT",
                                    "/collections/beta",
                                    "{\"vectors\":{\"size\":8,\"distance\":\"Dot\"}}",
                                    "api-key",
                                    KEY)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send(base, "PUT", "/collections/alpha/points?wait=true", points.toString(), "api-key", KEY)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send(
                                    base,
                                    "POST",
                                    "/collections/aliases",
                                    "{\"actions\":[{\"create_alias\":"
                                            + "{\"collection_name\":\"alpha\",\"alias_name\":\"alias_a\"}}]}",
                                    "api-key",
                                    KEY)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        fast.close();
        javalin.close();
    }

    static String vector(Random rnd) {
        StringBuilder v = new StringBuilder("[");
        for (int d = 0; d < DIM; d++) {
            v.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextGaussian()));
        }
        return v.append(']').toString();
    }

    @Test
    void randomQueriesAnswerTheSame() {
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < 25; i++) {
            String body =
                    switch (i % 5) {
                        case 0 -> "{\"query\":" + vector(rnd) + "}";
                        case 1 ->
                            "{\"query\":" + vector(rnd) + ",\"limit\":" + (1 + rnd.nextInt(20))
                                    + ",\"with_payload\":true}";
                        case 2 ->
                            "{\"query\":" + vector(rnd)
                                    + ",\"filter\":{\"must\":[{\"key\":\"k\",\"match\":{\"value\":\"v" + rnd.nextInt(5)
                                    + "\"}}]},\"with_vector\":true}";
                        case 3 -> "{\"query\":" + rnd.nextInt(60) + ",\"limit\":3}";
                        default ->
                            "{\"query\":" + vector(rnd) + ",\"params\":{\"hnsw_ef\":16},\"score_threshold\":0.1}";
                    };
            same("POST", "/collections/alpha/points/query", body, "api-key", KEY);
        }
        for (int i = 0; i < 10; i++) {
            String body =
                    switch (i % 3) {
                        case 0 -> "{\"vector\":" + vector(rnd) + ",\"limit\":" + (1 + rnd.nextInt(20)) + "}";
                        case 1 ->
                            "{\"vector\":" + vector(rnd) + ",\"limit\":5,\"with_payload\":[\"k\"],\"filter\":"
                                    + "{\"must_not\":[{\"key\":\"k\",\"match\":{\"value\":\"v1\"}}]}}";
                        default -> "{\"vector\":" + vector(rnd) + ",\"limit\":3,\"offset\":2,\"with_vector\":true}";
                    };
            same("POST", "/collections/alpha/points/search", body, "api-key", KEY);
        }
        same("POST", "/collections/alias_a/points/query", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same(
                "POST",
                "/collections/alpha/points/query?timeout=5&consistency=majority",
                "{\"query\":[1,0,0,0,0,0,0,0]}",
                "api-key",
                KEY);
    }

    /**
     * The fast path reads bodies into a per-thread buffer ({@link ApiExchange#scratchBody}): a short
     * body after a longer one on the same thread must be read alone, not with the longer one's tail.
     */
    @Test
    void aShortBodyAfterALongerOneIsReadAlone() {
        Random rnd = new Random(SEED + 7);
        String p = "/collections/alpha/points/query";
        for (int i = 0; i < 20; i++) {
            same(
                    "POST",
                    p,
                    "{\"query\":" + vector(rnd) + ",\"limit\":4,\"with_payload\":true,\"params\":{\"hnsw_ef\":64}}",
                    "api-key",
                    KEY);
            same("POST", p, "{\"query\":[1,0,", "api-key", KEY);
            same("POST", "/collections/alpha/points/search", "{\"vector\":[1,0,0,0,0,0,0,0],", "api-key", KEY);
            if (i % 5 == 0) {
                // past the scratch buffer's first size (8 KiB), so it grows: the wrong dimension's 400
                same("POST", p, "{\"query\":" + "[0.5" + ",0.25".repeat(3000) + "]}", "api-key", KEY);
            }
        }
    }

    /** {@code points/query/batch}: answers, errors and access checks as through Javalin. */
    @Test
    void batchQueriesAnswerTheSame() {
        Random rnd = new Random(SEED + 3);
        String p = "/collections/alpha/points/query/batch";
        long before = fast.server().restFastPathServed();
        for (int i = 0; i < 8; i++) {
            StringBuilder body = new StringBuilder("{\"searches\":[");
            int n = rnd.nextInt(4); // an empty batch too
            for (int j = 0; j < n; j++) {
                body.append(j == 0 ? "" : ",")
                        .append(
                                switch (rnd.nextInt(3)) {
                                    case 0 -> "{\"query\":" + vector(rnd) + ",\"limit\":" + (1 + rnd.nextInt(9)) + "}";
                                    case 1 ->
                                        "{\"query\":" + vector(rnd)
                                                + ",\"with_payload\":true,\"filter\":{\"must\":[{\"key\":\"k\","
                                                + "\"match\":{\"value\":\"v" + rnd.nextInt(5) + "\"}}]}}";
                                    default -> "{\"query\":" + rnd.nextInt(60) + ",\"limit\":3,\"with_vector\":true}";
                                });
            }
            assertThat(same("POST", p, body.append("]}").toString(), "api-key", KEY).status)
                    .isEqualTo(200);
        }
        String two = "{\"searches\":[{\"query\":[1,0,0,0,0,0,0,0]},{\"query\":[0,1,0,0,0,0,0,0],\"limit\":2}]}";
        assertThat(same("POST", "/collections/alias_a/points/query/batch", two, "api-key", KEY).status)
                .isEqualTo(200);
        same("POST", p, "{\"searches\":[{\"query\":[1,0,0]}]}", "api-key", KEY); // wrong dimension
        same("POST", p, "{\"searches\":[{\"query\":[1,0,", "api-key", KEY); // bad JSON
        same("POST", p, "{\"searches\":{}}", "api-key", KEY);
        same("POST", p, "{}", "api-key", KEY);
        same("POST", "/collections/missing/points/query/batch", two, "api-key", KEY);
        same("POST", p + "?timeout=0", two, "api-key", KEY);
        assertThat(same("POST", p, two).status).isEqualTo(401);
        assertThat(same("POST", p, two, "api-key", RO_KEY).status).isEqualTo(200);
        String scoped = TestTokens.hs256(
                KEY, Map.of("sub", "tenant", "access", List.of(Map.of("collection", "alpha", "access", "r"))));
        assertThat(same("POST", "/collections/beta/points/query/batch", two, "Authorization", "Bearer " + scoped)
                        .status)
                .isEqualTo(403);
        String lookup = "{\"searches\":[{\"query\":[1,0,0,0,0,0,0,0]},{\"query\":{\"recommend\":"
                + "{\"positive\":[1]}},\"lookup_from\":{\"collection\":\"beta\"}}]}";
        assertThat(same("POST", p, lookup, "Authorization", "Bearer " + scoped).status)
                .isEqualTo(403);
        // counted as each request starts, so before its answer arrives here
        assertThat(fast.server().restFastPathServed() - before).isEqualTo(19);
    }

    @Test
    void errorsAnswerTheSame() {
        String p = "/collections/alpha/points/query";
        same("POST", p, "{\"query\":[1,0,", "api-key", KEY); // bad JSON
        same("POST", p, "{\"query\":[1,0,0]}", "api-key", KEY); // wrong dimension
        same("POST", p, "{\"query\":\"text\"}", "api-key", KEY);
        same("POST", p, "", "api-key", KEY);
        same("POST", "/collections/missing/points/query", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", p + "?timeout=0", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", p + "?timeout=abc", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", p + "?consistency=bogus", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", "/collections/" + "n".repeat(300) + "/points/query", "{}", "api-key", KEY);
        String search = "/collections/alpha/points/search";
        same("POST", search, "{\"vector\":[1,0,", "api-key", KEY);
        same("POST", search, "{\"vector\":[1,0,0],\"limit\":3}", "api-key", KEY);
        same("POST", search, "{\"limit\":3}", "api-key", KEY);
        same(
                "POST",
                "/collections/missing/points/search",
                "{\"vector\":[1,0,0,0,0,0,0,0],\"limit\":3}",
                "api-key",
                KEY);
        same("POST", search + "?timeout=0", "{\"vector\":[1,0,0,0,0,0,0,0],\"limit\":3}", "api-key", KEY);
    }

    @Test
    void authenticationAndAuthorizationAnswerTheSame() {
        String p = "/collections/alpha/points/query";
        String q = "{\"query\":[1,0,0,0,0,0,0,0],\"limit\":2}";
        long before = fast.server().restFastPathServed();
        assertThat(same("POST", p, q).status).isEqualTo(401); // no key
        assertThat(same("POST", p, q, "api-key", "wrong-key").status).isEqualTo(401);
        assertThat(same("POST", p, q, "Authorization", "Bearer " + KEY).status).isEqualTo(200);
        assertThat(same("POST", p, q, "api-key", RO_KEY).status).isEqualTo(200); // read-only key may read
        String scoped = TestTokens.hs256(
                KEY, Map.of("sub", "tenant", "access", List.of(Map.of("collection", "alpha", "access", "r"))));
        assertThat(same("POST", p, q, "Authorization", "Bearer " + scoped).status)
                .isEqualTo(200);
        assertThat(same("POST", "/collections/beta/points/query", q, "Authorization", "Bearer " + scoped).status)
                .isEqualTo(403);
        // a lookup in another collection is checked too
        assertThat(same(
                                "POST",
                                p,
                                "{\"query\":{\"recommend\":{\"positive\":[1]}},\"lookup_from\":{\"collection\":\"beta\"}}",
                                "Authorization",
                                "Bearer " + scoped)
                        .status)
                .isEqualTo(403);
        String s = "{\"vector\":[1,0,0,0,0,0,0,0],\"limit\":2}";
        assertThat(same("POST", "/collections/alpha/points/search", s).status).isEqualTo(401);
        assertThat(same("POST", "/collections/alpha/points/search", s, "api-key", RO_KEY).status)
                .isEqualTo(200);
        assertThat(same("POST", "/collections/beta/points/search", s, "Authorization", "Bearer " + scoped).status)
                .isEqualTo(403);
        String tampered = scoped.substring(0, scoped.length() - 2) + "xx";
        assertThat(same("POST", p, q, "Authorization", "Bearer " + tampered).status)
                .isEqualTo(401);
        // counted as each request starts, so before its answer arrives here
        assertThat(fast.server().restFastPathServed() - before).isEqualTo(11);
    }

    @Test
    void compressionAndCorsAnswerTheSame() throws IOException {
        String big = "{\"query\":[1,0,0,0,0,0,0,0],\"limit\":40,\"with_payload\":true,\"with_vector\":true}";
        Reply gz = same("POST", "/collections/alpha/points/query", big, "api-key", KEY, "Accept-Encoding", "gzip");
        assertThat(gz.headers.get("content-encoding")).isEqualTo("gzip");
        same(
                "POST",
                "/collections/alpha/points/query",
                "{\"query\":[1,0,0,0,0,0,0,0]}",
                "api-key",
                KEY,
                "Accept-Encoding",
                "gzip");
        Reply cors =
                same("POST", "/collections/alpha/points/query", big, "api-key", KEY, "Origin", "http://page.example");
        assertThat(cors.headers.get("access-control-allow-origin")).isEqualTo("http://page.example");
        assertThat(same("POST", "/collections/alpha/points/query", big, "Origin", "http://page.example").status)
                .isEqualTo(401);
        // a gzip request body is decoded on both paths
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(z)) {
            out.write("{\"query\":[0,1,0,0,0,0,0,0]}".getBytes(StandardCharsets.UTF_8));
        }
        List<Reply> replies = new ArrayList<>();
        for (TestServer s : List.of(fast, javalin)) {
            replies.add(reply(send(
                    "http://127.0.0.1:" + s.server().httpPort(),
                    HttpRequest.BodyPublishers.ofByteArray(z.toByteArray()),
                    "/collections/alpha/points/query",
                    "api-key",
                    KEY,
                    "Content-Encoding",
                    "gzip")));
        }
        assertThat(replies.get(0).status).isEqualTo(200);
        assertThat(replies.get(0)).isEqualTo(replies.get(1));
    }

    @Test
    void otherRoutesAndEscapedPathsGoToJavalin() {
        long before = fast.server().restFastPathServed();
        same("POST", "/collections/alpha/points/scroll", "{\"limit\":2}", "api-key", KEY);
        same("POST", "/collections/alpha/points/search/batch", "{\"searches\":[]}", "api-key", KEY);
        same("POST", "/collections/alpha/points/query/", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", "/collections/%61lpha/points/query", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", "/collections/alpha/points/query?timeout=%35", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        assertThat(fast.server().restFastPathServed()).isEqualTo(before);
    }

    @Test
    void metricsCountFastRequestsAsJavalinDoes() {
        same("POST", "/collections/beta/points/query", "{\"query\":[1,0,0,0,0,0,0,0]}", "api-key", KEY);
        same("POST", "/collections/beta/points/query", "{\"query\":[1,0]}", "api-key", KEY);
        same("POST", "/collections/beta/points/query", "{\"query\":[1,0]}"); // 401
        same("POST", "/collections/beta/points/query", "{\"query\":[1,0]}", "api-key", RO_KEY);
        List<List<String>> counted = new ArrayList<>();
        for (TestServer s : List.of(fast, javalin)) {
            byte[] metrics = send("http://127.0.0.1:" + s.server().httpPort(), "GET", "/metrics", null, "api-key", KEY)
                    .body();
            counted.add(new String(metrics, StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> l.startsWith("rest_responses_total")
                            && (l.contains("points/query") || l.contains("points/search") || l.contains("unmatched")))
                    .sorted()
                    .toList());
        }
        assertThat(counted.get(0)).anyMatch(l -> l.contains("status=\"400\""));
        assertThat(counted.get(0)).isEqualTo(counted.get(1));
    }

    /** A reply with {@code Date} dropped, header names lower-cased, and the body's time zeroed. */
    record Reply(int status, Map<String, String> headers, String body) {}

    /** Sends the request to both servers and asserts the same reply; returns the fast server's. */
    static Reply same(String method, String path, String body, String... headers) {
        Reply a = reply(send("http://127.0.0.1:" + fast.server().httpPort(), method, path, body, headers));
        Reply b = reply(send("http://127.0.0.1:" + javalin.server().httpPort(), method, path, body, headers));
        assertThat(a).as("%s %s %s (seed %d)", method, path, body, SEED).isEqualTo(b);
        return a;
    }

    static Reply reply(HttpResponse<byte[]> r) {
        Map<String, String> h = new TreeMap<>();
        r.headers().map().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("date") && !k.equalsIgnoreCase("content-length") && !k.equals(":status")) {
                h.put(k.toLowerCase(Locale.ROOT), String.join(",", v));
            }
        });
        byte[] raw = r.body();
        if ("gzip".equals(h.get("content-encoding"))) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else if (!"chunked".equals(h.get("transfer-encoding"))) {
            assertThat(r.headers().firstValueAsLong("content-length")).hasValue(raw.length);
        }
        String text = new String(raw, StandardCharsets.UTF_8).replaceAll("\"time\":[0-9.Ee-]+", "\"time\":0");
        return new Reply(r.statusCode(), h, text);
    }

    static HttpResponse<byte[]> send(String base, String method, String path, String body, String... headers) {
        HttpRequest.BodyPublisher pub =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, pub);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    static HttpResponse<byte[]> send(String base, HttpRequest.BodyPublisher body, String path, String... headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).POST(body).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
