package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restart_transfer} on three packaged peers: a throttled {@code replicate_shard} is running,
 * the restart with {@code method: stream_records} stops it and a new transfer with that method
 * fills the new replica, which ends Active holding every point; a restart of a transfer that does
 * not run is a 400 with Qdrant's text.
 */
class ClusterRestartTransferTest {
    @TempDir
    Path dir;

    private LoopbackCluster cluster;

    @AfterEach
    void stopAll() throws InterruptedException {
        cluster.close();
    }

    private static RestCalls.Reply call(ServerProcess p, String method, String path, String body) throws Exception {
        return LoopbackCluster.call(p, method, path, body);
    }

    private static JsonNode clusterOf(ServerProcess p) throws Exception {
        return call(p, "GET", "/collections/rt/cluster", null).body().get("result");
    }

    private static String restart(String from, String to, String method) {
        return "{\"restart_transfer\":{\"shard_id\":0,\"from_peer_id\":" + from + ",\"to_peer_id\":" + to
                + ",\"method\":\"" + method + "\"}}";
    }

    private static final int N = 3000;

    /** Three peers, collection {@code rt} (one shard, one replica) holding points 0 .. N-1. */
    private record Setup(
            List<ServerProcess> peers, ServerProcess source, ServerProcess target, String sourceId, String targetId) {}

    private static Setup setUp(LoopbackCluster cluster) throws Exception {
        List<ServerProcess> peers = cluster.startThree();
        RestCalls.Reply created = call(
                peers.get(0),
                "PUT",
                "/collections/rt",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1,\"replication_factor\":1}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        ServerProcess source = null;
        ServerProcess target = null;
        for (ServerProcess p : peers) {
            LoopbackCluster.until(
                    "collection on " + p.baseUrl(), () -> clusterOf(p).has("local_shards"), 30);
            if (clusterOf(p).get("local_shards").isEmpty()) {
                target = target == null ? p : target;
            } else {
                source = p;
            }
        }
        int n = N;
        for (int from = 0; from < n; from += 500) {
            LoopbackCluster.write(
                    peers.get(0),
                    "PUT",
                    "/collections/rt/points?wait=true",
                    LoopbackCluster.points(from, from + 500),
                    20);
        }
        String sourceId = clusterOf(source).get("peer_id").asText();
        String targetId = clusterOf(target).get("peer_id").asText();
        return new Setup(peers, source, target, sourceId, targetId);
    }

    @Test
    void replicateShardWithTheSnapshotMethodInstallsTheFilesAndCatchesUp() throws Exception {
        cluster = new LoopbackCluster(dir);
        Setup setup = setUp(cluster);
        List<ServerProcess> peers = setup.peers();
        ServerProcess primary = setup.source();
        ServerProcess target = setup.target();
        String sourceId = setup.sourceId();
        String targetId = setup.targetId();
        int n = N;
        RestCalls.Reply replicate = call(
                primary,
                "POST",
                "/collections/rt/cluster",
                "{\"replicate_shard\":{\"shard_id\":0,\"from_peer_id\":" + sourceId + ",\"to_peer_id\":" + targetId
                        + ",\"method\":\"snapshot\"}}");
        assertThat(replicate.status()).as("%s", replicate.body()).isEqualTo(200);
        // writes during the transfer reach the new replica after its install
        for (int from = n; from < n + 200; from += 50) {
            LoopbackCluster.write(
                    peers.get(0),
                    "PUT",
                    "/collections/rt/points?wait=true",
                    LoopbackCluster.points(from, from + 50),
                    20);
        }
        LoopbackCluster.write(
                peers.get(0), "POST", "/collections/rt/points/delete?wait=true", "{\"points\":[5,3100]}", 20);
        LoopbackCluster.until(
                "the new replica Active", () -> targetState(primary, targetId).equals("Active"), 90);
        List<JsonNode> done = new ArrayList<>();
        clusterOf(primary).get("finished_transfers").forEach(done::add);
        assertThat(done).as("%s", done).hasSize(1);
        assertThat(done.getFirst().get("method").asText()).as("%s", done).isEqualTo("snapshot");
        assertThat(done.getFirst().get("activated").asBoolean()).isTrue();

        SortedSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < n + 200; i++) {
            expected.add(i);
        }
        expected.remove(5);
        expected.remove(3100);
        RestCalls.Reply read = call(
                target,
                "POST",
                "/collections/rt/points/scroll?consistency=all",
                "{\"limit\":5000,\"with_payload\":true}");
        assertThat(read.status()).as("%s", read.body()).isEqualTo(200);
        SortedSet<Integer> ids = new TreeSet<>();
        read.body().at("/result/points").forEach(pt -> {
            assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
            ids.add(pt.get("id").asInt());
        });
        assertThat(ids).as("every point, read from both replicas").isEqualTo(expected);
        // the new replica alone answers the same (its local copy is read first on its own peer)
        JsonNode local = null;
        for (JsonNode l : clusterOf(target).get("local_shards")) {
            local = l;
        }
        assertThat(local).isNotNull();
        assertThat(local.get("points_count").asInt()).isEqualTo(expected.size());
    }

    private static String targetState(ServerProcess p, String targetId) throws Exception {
        for (JsonNode r : clusterOf(p).get("remote_shards")) {
            if (r.get("peer_id").asText().equals(targetId)) {
                return r.get("state").asText();
            }
        }
        return "none";
    }

    @Test
    void aRunningTransferIsRestartedWithTheGivenMethod() throws Exception {
        cluster = new LoopbackCluster(dir).withEnv("SEXTANT__CLUSTER__TRANSFER__POINTS_PER_SECOND", "300");
        Setup setup = setUp(cluster);
        List<ServerProcess> peers = setup.peers();
        ServerProcess primary = setup.source();
        ServerProcess target = setup.target();
        String sourceId = setup.sourceId();
        String targetId = setup.targetId();
        int n = N;

        RestCalls.Reply none =
                call(primary, "POST", "/collections/rt/cluster", restart(sourceId, targetId, "wal_delta"));
        assertThat(none.status()).as("%s", none.body()).isEqualTo(400);
        assertThat(none.body().at("/status/error").asText())
                .isEqualTo("There is no transfer for shard 0 from " + sourceId + " to " + targetId);

        RestCalls.Reply replicate = call(
                primary,
                "POST",
                "/collections/rt/cluster",
                "{\"replicate_shard\":{\"shard_id\":0,\"from_peer_id\":" + sourceId + ",\"to_peer_id\":" + targetId
                        + "}}");
        assertThat(replicate.status()).as("%s", replicate.body()).isEqualTo(200);
        LoopbackCluster.until(
                "the stream running on the primary (every peer lists the recorded transfer from its start)",
                () -> clusterOf(primary).get("shard_transfers").size() == 1
                        && clusterOf(primary)
                                .at("/shard_transfers/0/comment")
                                .asText()
                                .contains("running on peer"),
                30);

        RestCalls.Reply restarted =
                call(primary, "POST", "/collections/rt/cluster", restart(sourceId, targetId, "stream_records"));
        assertThat(restarted.status()).as("%s", restarted.body()).isEqualTo(200);

        LoopbackCluster.until(
                "the new replica Active",
                () -> {
                    for (JsonNode r : clusterOf(primary).get("remote_shards")) {
                        if (r.get("peer_id").asText().equals(targetId)) {
                            return r.get("state").asText().equals("Active");
                        }
                    }
                    return false;
                },
                90);
        List<JsonNode> done = new ArrayList<>();
        clusterOf(primary).get("finished_transfers").forEach(done::add);
        assertThat(done).as("%s", done).hasSize(2);
        assertThat(done.get(0).get("activated").asBoolean())
                .as("the first transfer was stopped")
                .isFalse();
        JsonNode second = done.get(1);
        assertThat(second.get("activated").asBoolean()).isTrue();
        assertThat(second.get("method").asText()).isEqualTo("stream_records");
        assertThat(second.get("fallback_reason").asText()).isEqualTo("asked for stream_records");
        assertThat(second.get("items").asLong()).isEqualTo(n);

        RestCalls.Reply read = call(
                target,
                "POST",
                "/collections/rt/points/scroll?consistency=all",
                "{\"limit\":5000,\"with_payload\":true}");
        assertThat(read.status()).as("%s", read.body()).isEqualTo(200);
        SortedSet<Integer> ids = new TreeSet<>();
        read.body().at("/result/points").forEach(pt -> {
            assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
            ids.add(pt.get("id").asInt());
        });
        assertThat(ids).hasSize(n).first().isEqualTo(0);
        assertThat(ids.last()).isEqualTo(n - 1);
    }
}
