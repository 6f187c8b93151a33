package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection snapshot recovery on three packaged peers ({@code shard_number} 2, {@code
 * replication_factor} 2): a snapshot taken on peer A after 500 points, then more writes, deletes
 * and overwrites, then the snapshot recovered on A with priority {@code snapshot}: every replica on
 * every peer converges to exactly the snapshot's points (read with {@code consistency=all}, and each
 * local replica's point count) and every replica is Active again. On the code before, the recovery
 * installed plain local shards on A only, outside the metadata log: A answered with the snapshot's
 * points for shards it held, the other peers' replicas kept the later writes, deletes and
 * overwrites, so the consistency=all read kept failing to match.
 */
class ClusterSnapshotRecoveryTest {
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
        return call(p, "GET", "/collections/sr/cluster", null).body().get("result");
    }

    /** Three peers, each with its own snapshots directory. */
    private List<ServerProcess> startThree() throws Exception {
        cluster = new LoopbackCluster(dir);
        int p2p1 = ServerProcess.freePort();
        List<ServerProcess> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            cluster.withEnv(
                    "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                    dir.resolve("snapshots-" + i).toString());
            peers.add(cluster.peer(i, i == 1 ? null : p2p1, i == 1 ? p2p1 : ServerProcess.freePort()));
        }
        LoopbackCluster.until(
                "3 peers",
                () -> call(peers.get(0), "GET", "/cluster", null)
                                .body()
                                .at("/result/peers")
                                .size()
                        == 3,
                30);
        return peers;
    }

    /** Point id to payload {@code i} read through {@code via} with consistency=all; null while it fails. */
    private static SortedMap<Integer, Integer> readAll(ServerProcess via) throws Exception {
        RestCalls.Reply read = call(
                via, "POST", "/collections/sr/points/scroll?consistency=all", "{\"limit\":5000,\"with_payload\":true}");
        if (read.status() != 200) {
            return null;
        }
        SortedMap<Integer, Integer> out = new TreeMap<>();
        read.body()
                .at("/result/points")
                .forEach(pt -> out.put(pt.get("id").asInt(), pt.at("/payload/i").asInt()));
        return out;
    }

    /** Shard id to point count of each local replica of {@code p}; every replica of every peer Active. */
    private static Map<Integer, Long> localCountsIfAllActive(ServerProcess p) throws Exception {
        JsonNode c = clusterOf(p);
        Map<Integer, Long> counts = new HashMap<>();
        for (JsonNode s : c.get("local_shards")) {
            if (!s.get("state").asText().equals("Active")) {
                return null;
            }
            counts.put(s.get("shard_id").asInt(), s.get("points_count").asLong());
        }
        for (JsonNode s : c.get("remote_shards")) {
            if (!s.get("state").asText().equals("Active")) {
                return null;
            }
        }
        return c.get("shard_transfers").isEmpty() ? counts : null;
    }

    @Test
    void aSnapshotRecoveredWithPrioritySnapshotBecomesEveryReplicasData() throws Exception {
        List<ServerProcess> peers = startThree();
        RestCalls.Reply created = call(
                peers.get(0),
                "PUT",
                "/collections/sr",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":2,\"replication_factor\":2}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        for (ServerProcess p : peers) {
            LoopbackCluster.until(
                    "collection on " + p.baseUrl(), () -> clusterOf(p).has("local_shards"), 30);
        }
        LoopbackCluster.write(
                peers.get(0), "PUT", "/collections/sr/points?wait=true", LoopbackCluster.points(0, 500), 20);

        // A: the peer holding a replica of both shards (3 peers, 4 replicas), so it can install all
        ServerProcess a = null;
        for (ServerProcess p : peers) {
            if (clusterOf(p).get("local_shards").size() == 2) {
                a = p;
            }
        }
        assertThat(a).as("a peer holding both shards").isNotNull();
        RestCalls.Reply snap = call(a, "POST", "/collections/sr/snapshots", null);
        assertThat(snap.status()).as("%s", snap.body()).isEqualTo(200);
        String name = snap.body().at("/result/name").asText();

        // after the snapshot: new points, deletes and overwrites, through every peer
        LoopbackCluster.write(
                peers.get(1), "PUT", "/collections/sr/points?wait=true", LoopbackCluster.points(500, 600), 20);
        LoopbackCluster.write(
                peers.get(2),
                "POST",
                "/collections/sr/points/delete?wait=true",
                "{\"points\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]}",
                20);
        LoopbackCluster.write(
                peers.get(0), "PUT", "/collections/sr/points?wait=true", LoopbackCluster.points(100, 120, 100_000), 20);

        RestCalls.Reply recovered = call(
                a,
                "PUT",
                "/collections/sr/snapshots/recover",
                "{\"location\":\"" + a.baseUrl() + "/collections/sr/snapshots/" + name
                        + "\",\"priority\":\"snapshot\"}");
        assertThat(recovered.status()).as("%s", recovered.body()).isEqualTo(200);

        SortedMap<Integer, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 500; i++) {
            expected.put(i, i);
        }
        Map<Integer, Long> perShard = new HashMap<>();
        for (ServerProcess p : peers) {
            LoopbackCluster.await(
                    "every replica Active, no transfer, through " + p.baseUrl(),
                    () -> localCountsIfAllActive(p),
                    java.util.Objects::nonNull,
                    30);
            LoopbackCluster.await(
                    "the snapshot's points with consistency=all through " + p.baseUrl(),
                    () -> readAll(p),
                    expected::equals,
                    30);
            localCountsIfAllActive(p).forEach((shard, count) -> {
                Long seen = perShard.putIfAbsent(shard, count);
                assertThat(seen == null ? count : seen)
                        .as("points of shard %s on %s and on its other replica", shard, p.baseUrl())
                        .isEqualTo(count);
            });
        }
        assertThat(perShard).hasSize(2);
        assertThat(perShard.values().stream().mapToLong(Long::longValue).sum())
                .as("replicas hold exactly the snapshot's points (none of the later ones hidden by the merge)")
                .isEqualTo(500);

        // the collection serves writes through every peer afterwards
        LoopbackCluster.write(
                peers.get(1), "PUT", "/collections/sr/points?wait=true", LoopbackCluster.points(700, 710), 20);
        for (int i = 700; i < 710; i++) {
            expected.put(i, i);
        }
        for (ServerProcess p : peers) {
            LoopbackCluster.await("the later write through " + p.baseUrl(), () -> readAll(p), expected::equals, 30);
        }
    }
}
