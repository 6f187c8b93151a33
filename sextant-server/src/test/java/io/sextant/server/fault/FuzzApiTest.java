package io.sextant.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded hostile requests (bad JSON, wrong types, huge numbers, NaN and infinite
 * vectors, deep nesting, unicode and control characters in names, path traversal in collection and
 * snapshot names, hostile query parameters) against every route family. Every body is invalid, so
 * every change request must be refused with a 4xx; reads may answer 200. Never a 5xx, the server
 * stays up, and the existing collection's points are byte-for-byte unchanged. The seed is printed
 * in every assertion message; rerun with {@code -Dfuzz.seed=N}.
 */
class FuzzApiTest {

    static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);

    @TempDir
    Path storage;

    static final String[] NAMES = {
        "fz",
        "..",
        "../fz",
        "..%2Ffz",
        "%2e%2e",
        "%2e%2e%2f%2e%2e%2fetc",
        "fz%00",
        "%00",
        "fz%2F..%2F..",
        "\u00e9t\u00e9",
        "%E2%9C%93",
        "%F0%9F%98%80",
        "a".repeat(300),
        "%20",
        "fz%20",
        "con",
        "fz;rm",
        "%ff%fe",
        "fz%0d%0aX-Injected:%201",
        "*",
        "fz.snapshot"
    };

    static final String[] SUFFIXES = {
        "",
        "/points",
        "/points/delete",
        "/points/payload",
        "/points/payload/delete",
        "/points/payload/clear",
        "/points/vectors",
        "/points/vectors/delete",
        "/points/batch",
        "/points/scroll",
        "/points/count",
        "/points/query",
        "/points/query/batch",
        "/points/query/groups",
        "/points/search",
        "/points/search/batch",
        "/points/recommend",
        "/points/recommend/batch",
        "/index",
        "/index/..%2F..",
        "/points/1",
        "/points/%2e%2e",
        "/snapshots",
        "/snapshots/upload",
        "/snapshots/recover",
        "/snapshots/..%2F..%2Fetc%2Fpasswd",
        "/snapshots/%2e%2e%2fconfig.json",
        "/aliases",
        "/exists",
        "/optimizations",
        "/shards/0/snapshots"
    };

    static final String[] QUERY = {
        "",
        "?wait=true",
        "?wait=maybe",
        "?timeout=-1",
        "?timeout=99999999999999999999",
        "?ordering=chaos",
        "?details_level=%00",
        "?wait=true&wait=false"
    };

    @Test
    void hostileRequestsGetOnly4xxAndChangeNothing() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        try (SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                                storage.resolve("snapshots").toString()),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage.resolve("data"))),
                LocalShard::open)) {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            assertThat(http.send("PUT", "/collections/fz", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(http.send(
                                    "PUT",
                                    "/collections/fz/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[1,2,3,4],\"payload\":{\"k\":\"v\"}},"
                                            + "{\"id\":2,\"vector\":[4,3,2,1],\"payload\":{\"n\":7}}]}")
                            .status())
                    .isEqualTo(200);
            String before = state(http);
            List<String> fails = new ArrayList<>();
            for (int i = 0; i < REQUESTS && fails.size() < 20; i++) {
                String method = pick(rnd, "GET", "POST", "PUT", "PATCH", "DELETE", "POST", "PUT");
                String path = rnd.nextInt(10) == 0
                        ? pick(
                                rnd,
                                "/collections",
                                "/aliases",
                                "/collections/aliases",
                                "/snapshots",
                                "/snapshots/upload",
                                "/snapshots/..%2F..%2Fetc%2Fpasswd",
                                "/telemetry",
                                "/metrics",
                                "/%2e%2e/%2e%2e/etc/passwd")
                        : "/collections/" + pick(rnd, NAMES) + pick(rnd, SUFFIXES);
                path += pick(rnd, QUERY);
                String body = hostileBody(rnd);
                if (method.equals("DELETE") && !path.contains("/index/") && !path.contains("/snapshots/")) {
                    method = "POST"; // a DELETE of an existing collection needs no body and would be valid
                }
                // GETs and snapshot creation (which takes no body) are legitimately answered with 200
                boolean read = method.equals("GET")
                        || (method.equals("POST")
                                && path.matches("/(collections/[^/]+(/shards/0)?/)?snapshots(\\?.*)?"));
                Reply r = null;
                for (int attempt = 0; r == null; attempt++) {
                    try {
                        r = http.send(method, path, body);
                    } catch (IllegalArgumentException e) {
                        break; // the JDK client refuses some URIs itself: nothing reached the server
                    } catch (java.io.UncheckedIOException e) {
                        // a keep-alive connection the server closed after an early error reply (Jetty's own
                        // 400 for a malformed URI closes it): retry; the pool may hand out more than one
                        // such connection (seen once in bin/test under load, seed 6283570330174)
                        if (attempt > 2) {
                            throw new AssertionError("seed " + seed + ": " + method + " " + path + " -> " + e, e);
                        }
                    }
                }
                if (r == null) {
                    continue;
                }
                boolean okStatus = read
                        ? r.status() == 200 || (r.status() >= 400 && r.status() < 500)
                        : r.status() >= 400 && r.status() < 500;
                if (!okStatus) {
                    fails.add(r.status() + " " + method + " " + path + " body=" + abbreviate(body) + " -> "
                            + abbreviate(r.text()));
                }
            }
            assertThat(fails).as("seed %d", seed).isEmpty();
            assertThat(http.send("GET", "/readyz", null).status())
                    .as("seed %d", seed)
                    .isEqualTo(200);
            assertThat(state(http)).as("seed %d: existing data changed", seed).isEqualTo(before);
        }
    }

    private static String state(HttpProbe http) {
        Reply r = http.send(
                "POST", "/collections/fz/points/scroll", "{\"limit\":100,\"with_vector\":true,\"with_payload\":true}");
        assertThat(r.status()).isEqualTo(200);
        return r.json().at("/result/points").toString()
                + http.send("GET", "/collections", null).json().at("/result").toString();
    }

    static String hostileBody(SplittableRandom rnd) {
        return switch (rnd.nextInt(14)) {
            case 0 -> "{";
            case 1 -> "{\"points\":[{\"id\":1,\"vector\":[NaN,1,2,3]}]}";
            case 2 -> "{\"points\":[{\"id\":1,\"vector\":[\"NaN\",1,2,3]}]}";
            case 3 -> "{\"points\":[{\"id\":1e400,\"vector\":[1,2,3,4]}]}";
            case 4 -> "{\"points\":[{\"id\":123456789012345678901234567890,\"vector\":[1,2,3,4]}]}";
            case 5 -> "{\"filter\":".repeat(3000) + "{}" + "}".repeat(3000);
            case 6 -> "[".repeat(5000) + "]".repeat(5000);
            case 7 -> "{\"vectors\":{\"size\":-1,\"distance\":\"Dot\"},\"points\":\"x\",\"limit\":-5,\"query\":{}}";
            case 8 ->
                "{\"points\":[{\"id\":-1,\"vector\":[1,2,3,4]}],\"limit\":99999999999999999999,\"query\":[1e999,0]}";
            case 9 -> randomBytes(rnd);
            case 10 ->
                "{\"points\":[{\"id\":\"not-a-uuid\u0000\",\"vector\":{\"\u202e\":[1]}}],\"location\":\"file:///etc/passwd\","
                        + "\"actions\":[{\"delete_alias\":{}}]}";
            case 11 -> "\"just a string\"";
            case 12 ->
                "{\"points\":[{\"id\":3,\"vector\":[1,2]}],\"ids\":[{}],\"operations\":[{\"upsert\":{\"points\":[{\"id\":{}}]}}],"
                        + "\"field_name\":\"\",\"field_schema\":\"nonsense\",\"keys\":\"k\",\"payload\":[],\"vector\":7}";
            default ->
                "{\"points\":[{\"id\":1,\"vector\":[1,2,3,4]}],\"unknown_field\":" + "9".repeat(rnd.nextInt(1, 400))
                        + ",";
        };
    }

    private static String randomBytes(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(1, 64);
        for (int i = 0; i < n; i++) {
            b.append((char) rnd.nextInt(1, 0x2FFF));
        }
        return b.toString();
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
