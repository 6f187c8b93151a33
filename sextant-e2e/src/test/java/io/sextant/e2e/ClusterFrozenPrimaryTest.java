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
 * and every acknowledged write is read back with {@code consistency=all} through every peer.
 */
class ClusterFrozenPrimaryTest {
    /** Far below the 30 s internal call deadline a write to the frozen primary used to wait for. */
    private static final long WRITE_BOUND_MILLIS = 10_000;

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
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> started = cluster.startThree();
        ServerProcess one = started.get(0);
        ServerProcess two = started.get(1);
        ServerProcess three = started.get(2);
        RestCalls.Reply created = call(
                one,
                "PUT",
                "/collections/failover",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3,\"replication_factor\":2,"
                        + "\"write_consistency_factor\":1}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        LoopbackCluster.until("collection on peer 3", () -> clusterOf(three).has("local_shards"), 30);
        String threeId = clusterOf(three).get("peer_id").asText();
        SortedSet<Integer> acknowledged = new TreeSet<>();
        SortedSet<Integer> attempted = new TreeSet<>();
        for (int id = 0; id < 30; id++) {
            assertThat(call(two, "PUT", "/collections/failover/points?wait=true", point(id))
                            .status())
                    .isEqualTo(200);
            acknowledged.add(id);
            attempted.add(id);
        }

        three.freeze(); // SIGSTOP: sockets stay open, nothing answers
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
                    .as("write %d with the primary peer 3 frozen (status %d: %s)", id, r.status(), r.body())
                    .isLessThan(WRITE_BOUND_MILLIS);
        }
        long frozenFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        System.out.printf(
                "frozen primary: %d writes in %d ms, worst %d ms, %d failed%n", WRITES, frozenFor, worst, failed);
        assertThat(failed)
                .as("writes answered with an error while peer 3 was frozen")
                .isLessThanOrEqualTo(2);
        for (ServerProcess p : List.of(one, two)) {
            assertThat(LoopbackCluster.remoteStatesOf(clusterOf(p), threeId))
                    .as("peer 3's replicas as %s sees them", p.baseUrl())
                    .containsExactly("Dead", "Dead");
        }

        three.thaw();
        for (ServerProcess p : List.of(one, two)) {
            LoopbackCluster.until(
                    "peer 3's replicas Active again on " + p.baseUrl(),
                    () -> LoopbackCluster.remoteStatesOf(clusterOf(p), threeId).equals(List.of("Active", "Active")),
                    40);
        }
        for (ServerProcess p : List.of(one, two, three)) {
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
