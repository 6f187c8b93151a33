package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged servers on loopback in cluster mode (Raft over Ratis on their p2p ports): a
 * collection created through peer 2 appears on peers 1 and 3; with a follower killed by SIGKILL
 * the other two still create and delete collections; the restarted follower keeps its peer id and
 * catches up from the log.
 */
class ClusterEndToEndTest {

    private static final String CREATE = "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"}}";
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<ServerProcess> peers = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ServerProcess p : peers) {
            p.close();
        }
    }

    private ServerProcess peer(int i, Integer bootstrapP2p, int p2p) throws IOException {
        List<String> args = new ArrayList<>(List.of("--uri", "http://127.0.0.1:" + p2p));
        if (bootstrapP2p != null) {
            args.addAll(List.of("--bootstrap", "http://127.0.0.1:" + bootstrapP2p));
        }
        ServerProcess p = new ServerProcess(dir.resolve("peer-" + i), dir.resolve("peer-" + i + ".log"))
                .with(
                        args,
                        Map.of(
                                "SEXTANT__CLUSTER__ENABLED", "true",
                                "SEXTANT__CLUSTER__P2P__PORT", Integer.toString(p2p),
                                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                                        dir.resolve("snapshots-" + i).toString()));
        peers.add(p);
        return p;
    }

    private static Set<String> collections(ServerProcess p) throws Exception {
        Set<String> names = new TreeSet<>();
        new RestCalls(p.baseUrl())
                .call("GET", "/collections", null)
                .body()
                .at("/result/collections")
                .forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static JsonNode cluster(ServerProcess p) throws Exception {
        return new RestCalls(p.baseUrl()).call("GET", "/cluster", null).body().get("result");
    }

    private static <T> T await(String what, Callable<T> probe, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.call();
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // peer not answering yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not reached within " + CONVERGE + "; last: " + last);
    }

    @Test
    void metadataReplicatesAndSurvivesAKilledFollower() throws Exception {
        int p2p1 = ServerProcess.freePort();
        int p2p2 = ServerProcess.freePort();
        int p2p3 = ServerProcess.freePort();
        ServerProcess one = peer(1, null, p2p1).start();
        ServerProcess two = peer(2, p2p1, p2p2).start();
        ServerProcess three = peer(3, p2p1, p2p3).start();
        JsonNode view = await("3 peers", () -> cluster(one), c -> c.get("peers").size() == 3);
        assertThat(view.get("status").asText()).isEqualTo("enabled");
        String leader = view.at("/raft_info/leader").asText();

        RestCalls viaTwo = new RestCalls(two.baseUrl());
        assertThat(viaTwo.call("PUT", "/collections/created_on_two", CREATE).status())
                .isEqualTo(200);
        assertThat(collections(two))
                .as("visible on the proposer when the call returns")
                .contains("created_on_two");
        for (ServerProcess p : List.of(one, three)) {
            await("collection on " + p.baseUrl(), () -> collections(p), s -> s.contains("created_on_two"));
            JsonNode info = new RestCalls(p.baseUrl())
                    .call("GET", "/collections/created_on_two", null)
                    .body();
            assertThat(info.at("/result/config/params/vectors/size").asInt()).isEqualTo(4);
        }

        // kill -9 a follower; the other two still form a majority
        ServerProcess victim = null;
        for (ServerProcess p : List.of(one, two, three)) {
            if (!cluster(p).get("peer_id").asText().equals(leader)) {
                victim = p;
            }
        }
        String victimId = cluster(victim).get("peer_id").asText();
        victim.kill();
        List<ServerProcess> alive = new ArrayList<>(List.of(one, two, three));
        alive.remove(victim);
        RestCalls a = new RestCalls(alive.get(0).baseUrl());
        RestCalls b = new RestCalls(alive.get(1).baseUrl());
        assertThat(a.call("PUT", "/collections/while_down", CREATE).status()).isEqualTo(200);
        assertThat(b.call("DELETE", "/collections/created_on_two", null)
                        .body()
                        .get("result")
                        .asBoolean())
                .isTrue();
        assertThat(b.call(
                                "POST",
                                "/collections/aliases",
                                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"while_down\",\"alias_name\":\"wd\"}}]}")
                        .status())
                .isEqualTo(200);
        for (ServerProcess p : alive) {
            await("survivors agree", () -> collections(p), s -> s.equals(Set.of("while_down")));
        }

        victim.start(); // same storage and flags: recovers its Raft log and catches up
        ServerProcess back = victim;
        await("restarted follower catches up", () -> collections(back), s -> s.equals(Set.of("while_down")));
        assertThat(cluster(back).get("peer_id").asText()).as("peer id survives").isEqualTo(victimId);
        // the alias is the last entry of the log: the collections can match a moment before it applies
        assertThat(await(
                        "restarted follower has the alias",
                        () -> new RestCalls(back.baseUrl())
                                .call("GET", "/aliases", null)
                                .body()
                                .at("/result/aliases/0/alias_name")
                                .asText(),
                        "wd"::equals))
                .isEqualTo("wd");
        assertThat(await(
                        "restarted follower sees three peers",
                        () -> cluster(back).get("peers").size(),
                        n -> n == 3))
                .isEqualTo(3);
    }
}
