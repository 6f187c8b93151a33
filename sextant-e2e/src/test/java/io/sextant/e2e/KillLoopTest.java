package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 loop against the packaged server, heavy on the operations that move a point out of an
 * indexed segment (set, overwrite and delete of payload, vector updates) while the optimizer is
 * always busy ({@code indexing_threshold: 1} KB, {@code default_segment_number: 2}) and a
 * concurrent searcher runs. One sequential writer sends {@code wait=true} operations; the server
 * is killed at a seeded random moment, restarted on the same storage, and every point must hold
 * exactly the state of the last acknowledged operation that touched it. The operation in flight at
 * the kill may or may not have landed, but as a whole (it is one WAL record).
 *
 * <p>{@code -Dsextant.killloop.kills=N} (default 6 in {@code bin/test}; {@code bin/bench killloop N}
 * runs hundreds), seed {@code -Dsextant.killloop.seed}.
 */
class KillLoopTest {
    private static final int DIM = 32;
    private static final int ID_SPACE = 2000;
    private static final String C = "/collections/kills";

    /** What a point holds: the values its vector and its payload field {@code u} were derived from. */
    record State(long vector, long payload) {}

    /** An operation of the writer and the states of the points it touches, before and after. */
    record Op(String method, String path, Object body, Map<Long, State> before, Map<Long, State> after) {}

    @TempDir
    Path tmp;

    private final Map<Long, State> acked = new HashMap<>(); // absent = no point
    private Op pending;

    @Test
    void everyAcknowledgedOperationSurvivesKillNine() throws Exception {
        long seed = Long.getLong("sextant.killloop.seed", System.nanoTime());
        int kills = Integer.getInteger("sextant.killloop.kills", 6);
        Random random = new Random(seed);
        String ctx = "seed=" + seed;
        Path storage = tmp.resolve("storage");
        long[] nextValue = {1};
        long acknowledged = 0;
        long started = System.nanoTime();

        for (int round = 0; round <= kills; round++) {
            try (ServerProcess server = new ServerProcess(storage, tmp.resolve("server.log")).start()) {
                RestCalls rest = new RestCalls(server.baseUrl());
                if (round == 0) {
                    var create = rest.call(
                            "PUT",
                            C,
                            Map.of(
                                    "vectors",
                                    Map.of("d", Map.of("size", DIM, "distance", "Dot")),
                                    "sparse_vectors",
                                    Map.of("s", Map.of()),
                                    "optimizers_config",
                                    Map.of("indexing_threshold", 1, "default_segment_number", 2)));
                    assertThat(create.status()).as(ctx + " " + create.body()).isEqualTo(200);
                }
                verify(rest, ctx + " round=" + round);
                if (round == kills) {
                    break;
                }
                long killAfterMs = 300 + random.nextInt(2500);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong acks = new AtomicLong();
                Random writerRandom = new Random(random.nextLong());
                Thread writer = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        Op op = nextOp(writerRandom, nextValue);
                        synchronized (this) {
                            pending = op;
                        }
                        try {
                            var r = rest.call(op.method(), op.path(), op.body());
                            if (r.status() != 200) {
                                return; // going away mid-response: the op stays pending
                            }
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                        synchronized (this) {
                            applyToModel(op);
                            pending = null;
                        }
                        acks.incrementAndGet();
                    }
                });
                Thread searcher = Thread.ofPlatform().start(() -> {
                    Random r = new Random(7);
                    while (!stop.get()) {
                        try {
                            boolean sparse = r.nextBoolean();
                            long q = r.nextInt(100_000);
                            rest.call(
                                    "POST",
                                    C + "/points/query",
                                    Map.of(
                                            "query",
                                            sparse ? sparseFor(q) : vectorFor(q),
                                            "using",
                                            sparse ? "s" : "d",
                                            "limit",
                                            10,
                                            "filter",
                                            Map.of("must", List.of(Map.of("key", "u", "range", Map.of("gte", 0))))));
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                    }
                });
                Thread.sleep(killAfterMs);
                server.kill();
                stop.set(true);
                writer.join(70_000);
                searcher.join(70_000);
                acknowledged += acks.get();
            }
        }
        assertThat(acknowledged).as(ctx + ": the writer got acknowledgements").isGreaterThan(0);
        String report = System.getProperty("sextant.killloop.report");
        if (report != null) {
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            java.nio.file.Files.writeString(
                    Path.of(report),
                    "# Kill -9 loop (P6)\n\n"
                            + "Command: `" + System.getProperty("sextant.killloop.command", "KillLoopTest") + "`\n\n"
                            + "| kills | seed | acknowledged operations | points checked after each restart | lost | resurrected | wall time |\n"
                            + "|---|---|---|---|---|---|---|\n"
                            + "| " + kills + " | " + seed + " | " + acknowledged + " | " + ID_SPACE + " (all ids) x "
                            + (kills + 1) + " | 0 | 0 | " + seconds + " s |\n\n"
                            + "Workload: one sequential writer of `wait=true` upserts, deletes, set/overwrite payload and"
                            + " vector updates over " + ID_SPACE + " ids of " + DIM + " dims, `indexing_threshold: 1`,"
                            + " `default_segment_number: 2` (the optimizer always busy), one concurrent filtered searcher;"
                            + " kill -9 after 0.3-2.8 s of load each round. Every point is compared with its last acknowledged"
                            + " state after every restart (the test fails on the first difference, so a written report means 0 lost).\n");
        }
    }

    private Op nextOp(Random r, long[] nextValue) {
        List<Long> present;
        synchronized (this) {
            present = new ArrayList<>(acked.keySet());
        }
        int kind = present.size() < 200 ? 0 : r.nextInt(10);
        Map<Long, State> before = new LinkedHashMap<>();
        Map<Long, State> after = new LinkedHashMap<>();
        switch (kind) {
            case 0, 1 -> { // upsert a batch of new or existing ids
                List<Map<String, Object>> points = new ArrayList<>();
                int n = 1 + r.nextInt(30);
                for (int i = 0; i < n; i++) {
                    long id = r.nextInt(ID_SPACE);
                    long v = nextValue[0]++;
                    before.putIfAbsent(id, stateOf(id));
                    after.put(id, new State(v, v));
                    points.add(Map.of("id", id, "vector", vectorsFor(v), "payload", Map.of("u", v)));
                }
                return new Op("PUT", C + "/points?wait=true", Map.of("points", points), before, after);
            }
            case 2 -> { // delete
                List<Long> ids = pick(r, present, 1 + r.nextInt(5));
                ids.forEach(id -> {
                    before.put(id, stateOf(id));
                    after.put(id, null);
                });
                return new Op("POST", C + "/points/delete?wait=true", Map.of("points", ids), before, after);
            }
            case 3, 4, 5 -> { // set_payload
                List<Long> ids = pick(r, present, 1 + r.nextInt(10));
                long v = nextValue[0]++;
                ids.forEach(id -> {
                    State s = stateOf(id);
                    before.put(id, s);
                    after.put(id, new State(s.vector(), v));
                });
                return new Op(
                        "POST",
                        C + "/points/payload?wait=true",
                        Map.of("payload", Map.of("u", v), "points", ids),
                        before,
                        after);
            }
            case 6 -> { // overwrite_payload
                List<Long> ids = pick(r, present, 1 + r.nextInt(10));
                long v = nextValue[0]++;
                ids.forEach(id -> {
                    State s = stateOf(id);
                    before.put(id, s);
                    after.put(id, new State(s.vector(), v));
                });
                return new Op(
                        "PUT",
                        C + "/points/payload?wait=true",
                        Map.of("payload", Map.of("u", v), "points", ids),
                        before,
                        after);
            }
            default -> { // update_vectors
                List<Long> ids = pick(r, present, 1 + r.nextInt(10));
                List<Map<String, Object>> points = new ArrayList<>();
                for (long id : ids) {
                    long v = nextValue[0]++;
                    State s = stateOf(id);
                    before.put(id, s);
                    after.put(id, new State(v, s.payload()));
                    points.add(Map.of("id", id, "vector", vectorsFor(v)));
                }
                return new Op("PUT", C + "/points/vectors?wait=true", Map.of("points", points), before, after);
            }
        }
    }

    private static List<Long> pick(Random r, List<Long> from, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = from.get(r.nextInt(from.size()));
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private synchronized State stateOf(long id) {
        return acked.get(id);
    }

    private synchronized void applyToModel(Op op) {
        op.after().forEach((id, s) -> {
            if (s == null) {
                acked.remove(id);
            } else {
                acked.put(id, s);
            }
        });
    }

    /**
     * Checks every point; on a difference, keeps the storage and the server log (the temp dir is
     * deleted after the test) under {@code -Dsextant.killloop.keep} (default {@code
     * target/killloop-failure}) for the post-mortem, then fails.
     */
    private void verify(RestCalls rest, String ctx) throws Exception {
        try {
            verifyPoints(rest, ctx);
        } catch (AssertionError e) {
            Path keep = Path.of(System.getProperty("sextant.killloop.keep", "target/killloop-failure"));
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted().toList()) {
                    Path t = keep.resolve(tmp.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            e.addSuppressed(new AssertionError("storage and server log kept in " + keep.toAbsolutePath()));
            throw e;
        }
    }

    private void verifyPoints(RestCalls rest, String ctx) throws Exception {
        Op inFlight;
        synchronized (this) {
            inFlight = pending;
            pending = null;
        }
        if (inFlight != null) {
            Map<Long, State> stored =
                    fetch(rest, new ArrayList<>(inFlight.after().keySet()), ctx);
            boolean landed = inFlight.after().entrySet().stream()
                    .allMatch(e -> java.util.Objects.equals(e.getValue(), stored.get(e.getKey())));
            boolean absent = inFlight.before().entrySet().stream()
                    .allMatch(e -> java.util.Objects.equals(e.getValue(), stored.get(e.getKey())));
            assertThat(landed || absent)
                    .as(
                            "%s: in-flight %s %s applied partially: before %s, after %s, stored %s",
                            ctx, inFlight.method(), inFlight.path(), inFlight.before(), inFlight.after(), stored)
                    .isTrue();
            if (landed) {
                applyToModel(inFlight);
            }
        }
        Map<Long, State> expected;
        synchronized (this) {
            expected = new HashMap<>(acked);
        }
        List<Long> all = new ArrayList<>();
        for (long id = 0; id < ID_SPACE; id++) {
            all.add(id);
        }
        Map<Long, State> stored = fetch(rest, all, ctx);
        List<String> wrong = new ArrayList<>();
        for (long id = 0; id < ID_SPACE; id++) {
            if (!java.util.Objects.equals(expected.get(id), stored.get(id))) {
                wrong.add(id + ": expected " + expected.get(id) + ", stored " + stored.get(id));
            }
        }
        assertThat(wrong)
                .as("%s: points differing from their last acknowledged state", ctx)
                .isEmpty();
        var count = rest.call("POST", C + "/points/count", Map.of("exact", true));
        assertThat(count.body().path("result").path("count").asLong())
                .as(ctx + ": count")
                .isEqualTo(expected.size());
    }

    private static Map<Long, State> fetch(RestCalls rest, List<Long> ids, String ctx) throws Exception {
        Map<Long, State> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            var r = rest.call("POST", C + "/points", Map.of("ids", chunk, "with_payload", true, "with_vector", true));
            assertThat(r.status()).as(ctx + ": retrieve " + r.body()).isEqualTo(200);
            for (JsonNode p : r.body().path("result")) {
                out.put(
                        p.path("id").asLong(),
                        new State(
                                vectorValue(p.path("vector"), ctx),
                                p.path("payload").path("u").asLong()));
            }
        }
        return out;
    }

    /**
     * Inverts {@link #vectorsFor}: the value is stored in the first two components of the dense
     * vector, and the sparse vector must be the one written with the same value.
     */
    private static long vectorValue(JsonNode vecs, String ctx) {
        JsonNode vec = vecs.path("d");
        assertThat(vec.size()).as(ctx + " " + vecs).isEqualTo(DIM);
        long value =
                Math.round(vec.get(0).asDouble()) * 1000 + Math.round(vec.get(1).asDouble());
        Map<String, Object> sparse = sparseFor(value);
        assertThat(vecs.path("s").path("indices").toString())
                .as(ctx + ": sparse vector of value " + value + " in " + vecs)
                .isEqualTo(sparse.get("indices").toString().replace(" ", ""));
        return value;
    }

    /** The dense and the sparse vector written for {@code value}. */
    static Map<String, Object> vectorsFor(long value) {
        return Map.of("d", vectorFor(value), "s", sparseFor(value));
    }

    /** A sparse vector determined by {@code value}: ids sorted and unique, one above 2^31. */
    static Map<String, Object> sparseFor(long value) {
        long a = value % 1000;
        long b = 1000 + value / 1000;
        long c = 4_000_000_000L + value % 7;
        return Map.of("indices", List.of(a, b, c), "values", List.of(1.0, 2.0, (double) (value % 97)));
    }

    static float[] vectorFor(long value) {
        float[] v = new float[DIM];
        v[0] = value / 1000;
        v[1] = value % 1000;
        for (int i = 2; i < DIM; i++) {
            v[i] = (float) ((value * 31 + i * 7) % 1000) / 100f;
        }
        return v;
    }
}
