package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged peers, 3 shards x 2 replicas, {@code write_consistency_factor: 1}: every peer is
 * the primary of one shard (placement spreads primaries). Peer 3 is frozen with SIGSTOP while
 * single-point writes go on through peers 1 and 2. The Raft leader's failure detection ({@code
 * PeerLiveness}, {@code cluster.peer_unresponsive_ms} 3 s by default) marks peer 3's replicas Dead,
 * so a write waiting for the frozen primary gives up and goes to the next Active replica: no write
 * waits anywhere near the 30 s internal call deadline. After SIGCONT peer 3's replicas are repaired
 * and every acknowledged write is read back with {@code consistency=all} through every peer. The
 * same with peer 1, the Raft leader, frozen: the new leader detects it.
 */
class ClusterFrozenPrimaryTest {
    /** Far below the 30 s internal call deadline a write to the frozen primary used to wait for. */
    private static final long WRITE_BOUND_MILLIS = 10_000;

    /** A frozen leader adds Ratis's election (1-2 s) and the new leader's grace (3 s). */
    private static final long LEADER_BOUND_MILLIS = 15_000;

    private static final int WRITES = 30;

    @TempDir
    Path dir;

    private LoopbackCluster cluster;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RestCalls.Reply call(ServerProcess p, String method, String path, String body) throws Exception {
        return LoopbackCluster.call(p, method, path, body);
    }

    private static JsonNode clusterOf(ServerProcess p) throws Exception {
        return call(p, "GET", "/collections/failover/cluster", null).body().get("result");
    }

    private static String point(int id) {
        return "{\"points\":[{\"id\":" + id + ",\"vector\":[1," + (1 + id % 7) + ",0.5," + (1 + id % 5)
                + "],\"payload\":{\"i\":" + id + "}}]}";
    }

    @Test
    void writesToTheShardOfAFrozenPrimaryResumeWithinSecondsAndNoAcknowledgedWriteIsLost() throws Exception {
        frozenPeerLosesItsReplicas(2, WRITE_BOUND_MILLIS);
    }

    /**
     * The frozen peer is the metadata group's leader (peer 1 formed the cluster): the other two
     * elect a new leader (1-2 s), whose detection judges the old one after its grace (3 s).
     */
    @Test
    void aFrozenRaftLeaderIsDetectedByTheNewLeader() throws Exception {
        frozenPeerLosesItsReplicas(0, LEADER_BOUND_MILLIS);
    }

    /** Freezes peer {@code victim} (0-based) while writes go through the other two. */
    private void frozenPeerLosesItsReplicas(int victim, long boundMillis) throws Exception {
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> started = cluster.startThree();
        ServerProcess frozen = started.get(victim);
        ServerProcess one = started.get((victim + 1) % 3);
        ServerProcess two = started.get((victim + 2) % 3);
        RestCalls.Reply created = call(
                one,
                "PUT",
                "/collections/failover",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3,\"replication_factor\":2,"
                        + "\"write_consistency_factor\":1}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        for (ServerProcess p : started) {
            LoopbackCluster.until(
                    "collection on " + p.baseUrl(), () -> clusterOf(p).has("local_shards"), 30);
        }
        String frozenId = clusterOf(frozen).get("peer_id").asText();
        SortedSet<Integer> acknowledged = new TreeSet<>();
        SortedSet<Integer> attempted = new TreeSet<>();
        for (int id = 0; id < 30; id++) {
            assertThat(call(two, "PUT", "/collections/failover/points?wait=true", point(id))
                            .status())
                    .isEqualTo(200);
            acknowledged.add(id);
            attempted.add(id);
        }

        JsonNode raft = call(one, "GET", "/cluster", null).body().at("/result/raft_info");
        System.out.printf("freezing peer %s; Raft leader %s%n", frozenId, raft.get("leader"));
        frozen.freeze(); // SIGSTOP: sockets stay open, nothing answers
        long worst = 0;
        int failed = 0;
        long frozenAt = System.nanoTime();
        for (int id = 100; id < 100 + WRITES; id++) {
            ServerProcess via = id % 2 == 0 ? one : two;
            attempted.add(id);
            long t = System.nanoTime();
            RestCalls.Reply r = call(via, "PUT", "/collections/failover/points?wait=true", point(id));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            worst = Math.max(worst, ms);
            if (r.status() == 200) {
                acknowledged.add(id);
            } else {
                failed++;
            }
            assertThat(ms)
                    .as("write %d with a primary peer frozen (status %d: %s)", id, r.status(), r.body())
                    .isLessThan(boundMillis);
        }
        long frozenFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        System.out.printf(
                "frozen peer %d: %d writes in %d ms, worst %d ms, %d failed%n",
                victim + 1, WRITES, frozenFor, worst, failed);
        assertThat(failed)
                .as("writes answered with an error while the peer was frozen")
                .isLessThanOrEqualTo(2);
        for (ServerProcess p : List.of(one, two)) {
            assertThat(LoopbackCluster.remoteStatesOf(clusterOf(p), frozenId))
                    .as("the frozen peer's replicas as %s sees them", p.baseUrl())
                    .containsExactly("Dead", "Dead");
        }

        frozen.thaw();
        for (ServerProcess p : List.of(one, two)) {
            LoopbackCluster.until(
                    "the frozen peer's replicas Active again on " + p.baseUrl(),
                    () -> LoopbackCluster.remoteStatesOf(clusterOf(p), frozenId).equals(List.of("Active", "Active")),
                    40);
        }
        for (ServerProcess p : List.of(one, two, frozen)) {
            // the thawed peer may still be applying the metadata entries that made its replicas
            // Active again (a 5xx "needs 2 readable replicas" until then)
            LoopbackCluster.until(
                    "every replica readable through " + p.baseUrl(),
                    () -> call(p, "POST", "/collections/failover/points/count?consistency=all", "{\"exact\":true}")
                                    .status()
                            == 200,
                    30);
            RestCalls.Reply reply = call(
                    p,
                    "POST",
                    "/collections/failover/points/scroll?consistency=all",
                    "{\"limit\":1000,\"with_payload\":true}");
            assertThat(reply.status()).as("%s", reply.body()).isEqualTo(200);
            SortedSet<Integer> ids = new TreeSet<>();
            reply.body().at("/result/points").forEach(pt -> {
                assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
                ids.add(pt.get("id").asInt());
            });
            assertThat(ids)
                    .as("every acknowledged write, read through %s from every replica", p.baseUrl())
                    .containsAll(acknowledged);
            assertThat(attempted).as("nothing that was never written").containsAll(ids);
        }
    }
}
