package io.sextant.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Packaged peers of one cluster on loopback, without an API key, with their storage under one
 * directory; {@link #close} thaws (if frozen) and stops every peer it started. For the cluster
 * tests that start peers one by one.
 */
final class LoopbackCluster implements AutoCloseable {
    private final Path dir;
    private final List<ServerProcess> peers = new ArrayList<>();
    private final Map<String, String> env = new java.util.HashMap<>();

    LoopbackCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts peer {@code i} on p2p port {@code p2p}, joining through {@code bootstrapP2p} unless null. */
    ServerProcess peer(int i, Integer bootstrapP2p, int p2p) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--uri", "http://127.0.0.1:" + p2p));
        if (bootstrapP2p != null) {
            args.addAll(List.of("--bootstrap", "http://127.0.0.1:" + bootstrapP2p));
        }
        Map<String, String> vars = new java.util.HashMap<>(env);
        vars.putAll(Map.of("SEXTANT__CLUSTER__ENABLED", "true", "SEXTANT__CLUSTER__P2P__PORT", "" + p2p));
        ServerProcess p =
                new ServerProcess(dir.resolve("peer-" + i), dir.resolve("peer-" + i + ".log")).with(args, vars);
        peers.add(p);
        p.start();
        return p;
    }

    /** Adds an environment variable to every peer started after this call. */
    LoopbackCluster withEnv(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts peers 1, 2 and 3 (2 and 3 joining through 1) and waits until 1 lists all three. */
    List<ServerProcess> startThree() throws Exception {
        int p2p1 = ServerProcess.freePort();
        ServerProcess one = peer(1, null, p2p1);
        ServerProcess two = peer(2, p2p1, ServerProcess.freePort());
        ServerProcess three = peer(3, p2p1, ServerProcess.freePort());
        until(
                "3 peers",
                () -> call(one, "GET", "/cluster", null)
                                .body()
                                .at("/result/peers")
                                .size()
                        == 3,
                30);
        return List.of(one, two, three);
    }

    /**
     * The states of {@code peerId}'s replicas in a {@code GET /collections/{c}/cluster} result
     * (remote ones only, in the order listed).
     */
    static List<String> remoteStatesOf(com.fasterxml.jackson.databind.JsonNode cluster, String peerId) {
        List<String> out = new ArrayList<>();
        cluster.get("remote_shards").forEach(r -> {
            if (r.get("peer_id").asText().equals(peerId)) {
                out.add(r.get("state").asText());
            }
        });
        return out;
    }

    static RestCalls.Reply call(ServerProcess p, String method, String path, String body) throws Exception {
        return new RestCalls(p.baseUrl()).call(method, path, body);
    }

    /**
     * An upsert body of points {@code from} (inclusive) to {@code to}: 4-d vectors that differ per
     * id, payload {@code {"i": id}}.
     */
    static String points(int from, int to) {
        return points(from, to, 0);
    }

    /** As {@link #points(int, int)} with payload {@code {"i": id + shift}}. */
    static String points(int from, int to, int shift) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = from; i < to; i++) {
            b.append(i == from ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"vector\":[1,")
                    .append(1 + i % 7)
                    .append(",0.5,")
                    .append(1 + i % 5)
                    .append("],\"payload\":{\"i\":")
                    .append(i + shift)
                    .append("}}");
        }
        return b.append("]}").toString();
    }

    /**
     * Sends a write until it is acknowledged, at most {@code attempts} times 250 ms apart (a request
     * may meet a replica being marked Dead or a peer reconnecting).
     */
    static void write(ServerProcess via, String method, String path, String body, int attempts) throws Exception {
        RestCalls.Reply last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            last = call(via, method, path, body);
            if (last.status() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(method + " " + path + " never acknowledged: " + last);
    }

    /** Polls {@code probe} every 100 ms until it holds (a peer not answering yet counts as not yet). */
    static void until(String what, Callable<Boolean> probe, int seconds) throws Exception {
        await(what, probe, Boolean.TRUE::equals, seconds);
    }

    /**
     * Polls {@code probe} every 100 ms until {@code done} holds for its answer, which is returned (a
     * peer not answering yet counts as not yet); fails with the last answer after {@code seconds}.
     */
    static <T> T await(String what, Callable<T> probe, java.util.function.Predicate<T> done, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.call();
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not reached within " + seconds + " s; last: " + last);
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess p : peers) {
            try {
                p.thaw();
            } catch (IOException | IllegalStateException e) {
                // not started or already gone
            }
            p.close();
        }
    }
}
