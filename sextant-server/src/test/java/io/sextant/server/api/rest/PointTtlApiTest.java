package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point TTL ({@code ttl_config}, issue P13 item 4), as a property over random deadlines: while a
 * writer keeps upserting other points, every read (scroll, count, search, retrieve) returns exactly
 * the points whose deadline had not passed when the read started, give or take the reads' own
 * duration; expired points are deleted by the optimizer thread within seconds; all of it holds
 * across a restart.
 */
class PointTtlApiTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;

    private static String vec(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < DIM; d++) {
            b.append(d == 0 ? "" : ",").append(rnd.nextDouble());
        }
        return b.append(']').toString();
    }

    /** Ids returned by a scroll of everything. */
    private static Set<Integer> scrolled(TestServer s) {
        Set<Integer> ids = new HashSet<>();
        s.post("/collections/ttl/points/scroll", "{\"limit\": 10000, \"with_payload\": false}")
                .json()
                .at("/result/points")
                .forEach(p -> ids.add(p.get("id").asInt()));
        return ids;
    }

    private static Set<Integer> searched(TestServer s, int limit) {
        Set<Integer> ids = new HashSet<>();
        s.post("/collections/ttl/points/query", "{\"query\": [1,1,1,1], \"limit\": " + limit + "}")
                .json()
                .at("/result/points")
                .forEach(p -> ids.add(p.get("id").asInt()));
        return ids;
    }

    /**
     * Checks one read against the deadlines: points expired before {@code start} must be absent,
     * points living past {@code end} present (only ids below {@code watched}).
     */
    private static void check(Set<Integer> got, Map<Integer, Double> deadline, double start, double end, String what) {
        deadline.forEach((id, d) -> {
            if (d != null && d <= start) {
                assertThat(got)
                        .as("%s: point %d expired at %.3f, read started %.3f", what, id, d, start)
                        .doesNotContain(id);
            } else if (d == null || d > end) {
                assertThat(got)
                        .as("%s: point %d lives until %s, read ended %.3f", what, id, d, end)
                        .contains(id);
            }
        });
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    @Test
    void pointsVanishAtTheirDeadlineUnderLoadAndAcrossRestart() throws Exception {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 120;
        Map<Integer, Double> deadline = new HashMap<>();
        TestServer s = TestServer.start(dir);
        try {
            Response created = s.put("/collections/ttl", """
                    {"vectors": {"size": 4, "distance": "Dot"}, "ttl_config": {"field": "expire_at"}}""");
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            assertThat(s.get("/collections/ttl")
                            .json()
                            .at("/result/config/ttl_config/field")
                            .asText())
                    .isEqualTo("expire_at");
            double base = now();
            StringBuilder body = new StringBuilder("{\"points\": [");
            for (int i = 0; i < n; i++) {
                Double d = rnd.nextInt(5) == 0 ? null : base + rnd.nextDouble(-1, 4); // some already past
                deadline.put(i, d);
                body.append(i == 0 ? "" : ",")
                        .append("{\"id\": ")
                        .append(i)
                        .append(", \"vector\": ")
                        .append(vec(rnd))
                        .append(", \"payload\": ")
                        .append(d == null ? "{}" : "{\"expire_at\": " + d + "}")
                        .append('}');
            }
            Response up =
                    s.put("/collections/ttl/points?wait=true", body.append("]}").toString());
            assertThat(up.status()).as(up.text()).isEqualTo(200);

            // load: a writer upserting other points (ids >= 1000, never expiring) the whole time
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                SplittableRandom w = new SplittableRandom(seed + 1);
                int id = 1000;
                try {
                    while (!stop.get()) {
                        Response r = s.put(
                                "/collections/ttl/points",
                                "{\"points\": [{\"id\": " + (id++) + ", \"vector\": " + vec(w) + "}]}");
                        assertThat(r.status()).isEqualTo(200);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            writer.start();
            try {
                while (now() < base + 4.5) {
                    double t0 = now();
                    Set<Integer> got = scrolled(s);
                    check(got, deadline, t0, now(), "scroll (seed " + seed + ")");
                    t0 = now();
                    got = searched(s, 10_000);
                    check(got, deadline, t0, now(), "search (seed " + seed + ")");
                    t0 = now();
                    JsonNode r = s.post(
                                    "/collections/ttl/points",
                                    "{\"ids\": [" + rnd.nextInt(n) + "," + rnd.nextInt(n) + "," + rnd.nextInt(n) + "]}")
                            .json();
                    double t1 = now();
                    Set<Integer> asked = new HashSet<>();
                    r.at("/result").forEach(p -> asked.add(p.get("id").asInt()));
                    for (int id : asked) {
                        Double d = deadline.get(id);
                        assertThat(d == null || d > t0)
                                .as("retrieve returned expired %d (seed %d)", id, seed)
                                .isTrue();
                    }
                    double c0 = now();
                    long count = s.post(
                                    "/collections/ttl/points/count",
                                    "{\"exact\": true, \"filter\": {\"must\": [{\"has_id\": " + allIds(n) + "}]}}")
                            .json()
                            .at("/result/count")
                            .asLong();
                    double c1 = now();
                    long mustLive = deadline.values().stream()
                            .filter(d -> d == null || d > c1)
                            .count();
                    long mayLive = deadline.values().stream()
                            .filter(d -> d == null || d > c0)
                            .count();
                    assertThat(count).as("count (seed %d)", seed).isBetween(mustLive, mayLive);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(failed.get()).isNull();
            long living = deadline.values().stream().filter(d -> d == null).count();
            // the optimizer thread deletes the expired points: they leave the points count too
            long deadlineMs = System.currentTimeMillis() + 20_000;
            long inRange;
            do {
                Thread.sleep(100);
                inRange = countAllIncludingExpired(s, n);
            } while (inRange != living && System.currentTimeMillis() < deadlineMs);
            assertThat(inRange).as("expired points deleted (seed %d)", seed).isEqualTo(living);
        } finally {
            s.close();
        }

        // restart: still gone, the TTL still configured, new points still expire
        TestServer again = TestServer.start(dir);
        try {
            Set<Integer> got = scrolledBelow(again, n);
            Set<Integer> expected = new HashSet<>();
            deadline.forEach((id, d) -> {
                if (d == null) {
                    expected.add(id);
                }
            });
            assertThat(got).isEqualTo(expected);
            double d = now() + 0.5;
            assertThat(again.put(
                                    "/collections/ttl/points?wait=true",
                                    "{\"points\": [{\"id\": 500, \"vector\": [1,1,1,1], \"payload\": {\"expire_at\": "
                                            + d + "}}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(scrolled(again)).contains(500);
            while (now() <= d) {
                Thread.sleep(20);
            }
            assertThat(scrolled(again)).doesNotContain(500);
        } finally {
            again.close();
        }
    }

    private static String allIds(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(i);
        }
        return b.append(']').toString();
    }

    private static Set<Integer> scrolledBelow(TestServer s, int n) {
        Set<Integer> ids = new HashSet<>(scrolled(s));
        ids.removeIf(id -> id >= n);
        return ids;
    }

    /** Points with ids below {@code n} in the collection info's exact point count sense: via segments' info. */
    private static long countAllIncludingExpired(TestServer s, int n) {
        // scroll hides expired points, so ask the segments: collection info counts every stored point
        long total = s.get("/collections/ttl").json().at("/result/points_count").asLong();
        long others = s.post(
                        "/collections/ttl/points/count",
                        "{\"exact\": true, \"filter\": {\"must_not\": [{\"has_id\": " + allIds(n) + "}]}}")
                .json()
                .at("/result/count")
                .asLong();
        return total - others;
    }

    @Test
    void snapshotsKeepTheTtlAndTheDeadlines() throws Exception {
        Path snapshots = dir.resolve("snapshots");
        try (TestServer s = new TestServer(
                dir.resolve("storage"),
                io.sextant.shard.LocalShard::open,
                Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", snapshots.toString()))) {
            assertThat(s.put(
                                    "/collections/ttl",
                                    "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"},"
                                            + " \"ttl_config\": {\"field\": \"expire_at\"}}")
                            .status())
                    .isEqualTo(200);
            double soon = now() + 3;
            assertThat(s.put(
                                    "/collections/ttl/points?wait=true",
                                    "{\"points\": [{\"id\": 1, \"vector\": [1,0,0,0], \"payload\": {\"expire_at\": "
                                            + soon + "}}, {\"id\": 2, \"vector\": [0,1,0,0]}]}")
                            .status())
                    .isEqualTo(200);
            Response created = s.post("/collections/ttl/snapshots", null);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            String file = snapshots
                    .resolve("ttl")
                    .resolve(created.json().at("/result/name").asText())
                    .toUri()
                    .toString();
            Response restored = s.put("/collections/copy/snapshots/recover", "{\"location\":\"" + file + "\"}");
            assertThat(restored.status()).as(restored.text()).isEqualTo(200);
            assertThat(s.get("/collections/copy")
                            .json()
                            .at("/result/config/ttl_config/field")
                            .asText())
                    .isEqualTo("expire_at");
            assertThat(s.get("/collections/copy/points/1").status())
                    .as("before its deadline")
                    .isEqualTo(200);
            while (now() <= soon) {
                Thread.sleep(20);
            }
            assertThat(s.get("/collections/copy/points/1").status())
                    .as("after its deadline")
                    .isEqualTo(404);
            assertThat(s.get("/collections/copy/points/2").status()).isEqualTo(200);
        }
    }

    @Test
    void defaultTtlAndConfigChanges() throws Exception {
        TestServer s = TestServer.start(dir);
        try {
            assertThat(s.put("/collections/d", """
                            {"vectors": {"size": 4, "distance": "Dot"},
                             "ttl_config": {"field": "ttl_at", "default_ttl_sec": 100}}""").status()).isEqualTo(200);
            long before = System.currentTimeMillis() / 1000;
            assertThat(s.put("/collections/d/points?wait=true", """
                            {"points": [{"id": 1, "vector": [1,0,0,0]},
                                        {"id": 2, "vector": [0,1,0,0], "payload": {"ttl_at": 5}}]}""").status()).isEqualTo(200);
            JsonNode p1 = s.get("/collections/d/points/1").json().at("/result/payload/ttl_at");
            assertThat(p1.asLong()).isBetween(before + 100, System.currentTimeMillis() / 1000 + 100);
            assertThat(s.get("/collections/d/points/2").status())
                    .as("expired in 1970")
                    .isEqualTo(404);

            // bad configs: 400, nothing changed
            for (String bad : new String[] {
                "{\"ttl_config\": {\"field\": \"\"}}",
                "{\"ttl_config\": {\"field\": \"x\", \"default_ttl_sec\": 0}}",
                "{\"ttl_config\": {\"field\": \"x\", \"colour\": 1}}",
                "{\"ttl_config\": 7}"
            }) {
                Response r = s.patch("/collections/d", bad);
                assertThat(r.status()).as(bad + " -> " + r.text()).isEqualTo(400);
            }
            assertThat(s.get("/collections/d")
                            .json()
                            .at("/result/config/ttl_config/field")
                            .asText())
                    .isEqualTo("ttl_at");
            assertThat(s.put("/collections/bad", """
                            {"vectors": {"size": 4, "distance": "Dot"}, "ttl_config": {"default_ttl_sec": 3}}""").status()).isEqualTo(400);
            assertThat(s.get("/collections/bad").status()).isEqualTo(404);

            // PATCH to another field: point 1 (ttl_at far away) lives on, a point with the new field expires
            assertThat(s.patch("/collections/d", "{\"ttl_config\": {\"field\": \"gone_at\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.put(
                                    "/collections/d/points?wait=true",
                                    "{\"points\": [{\"id\": 3, \"vector\": [0,0,1,0], \"payload\": {\"gone_at\": 1}}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.get("/collections/d/points/3").status()).isEqualTo(404);
            assertThat(s.get("/collections/d/points/1").status()).isEqualTo(200);
            // PATCH null: no more expiry, ttl_config gone from the info
            assertThat(s.patch("/collections/d", "{\"ttl_config\": null}").status())
                    .isEqualTo(200);
            assertThat(s.get("/collections/d").json().at("/result/config").has("ttl_config"))
                    .isFalse();
        } finally {
            s.close();
        }
    }
}
