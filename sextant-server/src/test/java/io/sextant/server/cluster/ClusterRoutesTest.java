package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /cluster} on a standalone node and on a one-peer cluster (Ratis in-process). */
class ClusterRoutesTest {

    private static final String CREATE = "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}";

    @TempDir
    Path storage;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void standaloneNodeSaysDisabled() {
        try (TestServer s = TestServer.start(storage)) {
            TestServer.Response r = s.get("/cluster");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("result").toString()).isEqualTo("{\"status\":\"disabled\"}");
            assertThat(Files.exists(storage.resolve("cluster")))
                    .as("no cluster state on disk")
                    .isFalse();
        }
    }

    private TestServer clusterNode(int p2p) {
        return new TestServer(
                storage,
                LocalShard::open,
                Map.of("SEXTANT__CLUSTER__ENABLED", "true", "SEXTANT__CLUSTER__P2P__PORT", Integer.toString(p2p)));
    }

    static JsonNode awaitLeader(TestServer s) throws InterruptedException {
        JsonNode res = null;
        for (int i = 0; i < 200; i++) {
            res = s.get("/cluster").json().get("result");
            if ("Leader".equals(res.at("/raft_info/role").asText())) {
                return res;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader: " + res);
    }

    /** The commit index once it stopped moving for 300 ms (Ratis appends its own bookkeeping entries). */
    static long settledCommit(TestServer s) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 100; i++) {
            long now = s.get("/cluster").json().at("/result/raft_info/commit").asLong();
            // -1 until the new leader's first entry of its term is committed: not settled yet
            if (now == last && now >= 0) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
        throw new AssertionError("commit index keeps moving: " + last);
    }

    @Test
    void telemetryHasTheClusterSectionInClusterModeOnly() throws Exception {
        try (TestServer s = TestServer.start(storage.resolve("standalone"))) {
            assertThat(s.get("/telemetry").json().at("/result/cluster").toString())
                    .isEqualTo("{\"enabled\":false}");
        }
        int p2p = freePort();
        try (TestServer s = new TestServer(
                storage.resolve("peer"),
                LocalShard::open,
                Map.of("SEXTANT__CLUSTER__ENABLED", "true", "SEXTANT__CLUSTER__P2P__PORT", Integer.toString(p2p)))) {
            JsonNode view = awaitLeader(s);
            String peerId = view.get("peer_id").asText();
            assertThat(s.put("/collections/c", CREATE).status()).isEqualTo(200);
            long commit = settledCommit(s);
            JsonNode cluster = s.get("/telemetry").json().at("/result/cluster");
            assertThat(cluster.get("enabled").asBoolean()).isTrue();
            JsonNode status = cluster.get("status");
            assertThat(status.get("number_of_peers").asInt()).isEqualTo(1);
            assertThat(status.get("role").asText()).isEqualTo("Leader");
            assertThat(status.get("is_voter").asBoolean()).isTrue();
            assertThat(status.get("peer_id").isIntegralNumber()).isTrue();
            assertThat(status.get("peer_id").asText()).isEqualTo(peerId);
            assertThat(status.get("term").asLong())
                    .isEqualTo(view.at("/raft_info/term").asLong());
            assertThat(status.get("term").asLong()).isPositive();
            assertThat(status.get("commit").asLong()).isEqualTo(commit);
            assertThat(status.get("pending_operations").asInt()).isZero();
            assertThat(status.at("/consensus_thread_status/consensus_thread_status")
                            .asText())
                    .isEqualTo("working");
            assertThat(cluster.at("/peers/" + peerId + "/uri").asText()).isEqualTo("http://127.0.0.1:" + p2p + "/");
            assertThat(cluster.get("peers").size()).isEqualTo(1);
        }
    }

    @Test
    void onePeerClusterServesStatusAndReplicatesMetadataThroughItsLog() throws Exception {
        int p2p = freePort();
        String peerId;
        try (TestServer s = clusterNode(p2p)) {
            JsonNode status = awaitLeader(s);
            assertThat(status.get("status").asText()).isEqualTo("enabled");
            peerId = status.get("peer_id").asText();
            assertThat(status.get("peer_id").isIntegralNumber()).isTrue();
            assertThat(status.get("peers").size()).isEqualTo(1);
            assertThat(status.at("/peers/" + peerId + "/uri").asText()).isEqualTo("http://127.0.0.1:" + p2p + "/");
            assertThat(status.at("/raft_info/leader").asText()).isEqualTo(peerId);
            assertThat(status.at("/raft_info/is_voter").asBoolean()).isTrue();
            assertThat(status.at("/consensus_thread_status/consensus_thread_status")
                            .asText())
                    .isEqualTo("working");
            assertThat(status.get("message_send_failures").isObject()).isTrue();
            assertThat(s.put("/collections/c", CREATE).status()).isEqualTo(200);
            assertThat(s.put("/collections/c", CREATE).status())
                    .as("second create")
                    .isEqualTo(409);
            long commitBefore = settledCommit(s);
            assertThat(s.put("/collections/bad", "{\"vectors\":{\"size\":0,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(422);
            assertThat(s.put("/collections/c/index", "{\"field_name\":\"city\",")
                            .status())
                    .as("malformed JSON")
                    .isEqualTo(400);
            assertThat(settledCommit(s)).as("bad input never enters the log").isEqualTo(commitBefore);
            assertThat(s.put("/collections/c/index?wait=true", "{\"field_name\":\"city\",\"field_schema\":\"keyword\"}")
                            .json()
                            .at("/result/status")
                            .asText())
                    .isEqualTo("completed");
            assertThat(s.post(
                                    "/collections/aliases",
                                    "{\"actions\":[{\"create_alias\":{\"collection_name\":\"c\",\"alias_name\":\"a\"}}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.get("/collections/c")
                            .json()
                            .at("/result/payload_schema/city/data_type")
                            .asText())
                    .isEqualTo("keyword");
            assertThat(settledCommit(s)).isGreaterThan(commitBefore);

            assertThat(s.delete("/cluster/peer/123").status()).isEqualTo(404);
            assertThat(s.delete("/cluster/peer/not-a-number").status()).isEqualTo(400);
            assertThat(s.delete("/cluster/peer/" + peerId).status())
                    .as("the last peer")
                    .isEqualTo(400);
            assertThat(s.post("/cluster/recover", null).json().get("result").asBoolean())
                    .isTrue();
        }
        try (TestServer s = clusterNode(p2p)) { // restart: same id, the log replays without re-applying
            JsonNode status = awaitLeader(s);
            assertThat(status.get("peer_id").asText()).isEqualTo(peerId);
            assertThat(s.get("/collections").json().at("/result/collections").toString())
                    .isEqualTo("[{\"name\":\"c\"}]");
            assertThat(s.get("/aliases")
                            .json()
                            .at("/result/aliases/0/alias_name")
                            .asText())
                    .isEqualTo("a");
            assertThat(s.delete("/collections/a").json().get("result").asBoolean())
                    .isTrue();
            assertThat(s.get("/collections").json().at("/result/collections").size())
                    .isZero();
        }
    }

    @Test
    void collectionClusterInfoOnAStandaloneNodeListsEveryShardAsLocal() {
        try (TestServer s = TestServer.start(storage)) {
            assertThat(s.put("/collections/c", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":2}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.put("/collections/c/points?wait=true", "{\"points\":[{\"id\":1,\"vector\":[1,2,3,4]}]}")
                            .status())
                    .isEqualTo(200);
            JsonNode info = s.get("/collections/c/cluster").json().get("result");
            assertThat(info.get("peer_id").asLong()).isZero();
            assertThat(info.get("shard_count").asInt()).isEqualTo(2);
            assertThat(info.get("local_shards").size()).isEqualTo(2);
            assertThat(info.at("/local_shards/0/state").asText()).isEqualTo("Active");
            assertThat(info.at("/local_shards/0/points_count").asLong()
                            + info.at("/local_shards/1/points_count").asLong())
                    .isEqualTo(1);
            assertThat(info.get("remote_shards").size()).isZero();
            assertThat(info.get("shard_transfers").size()).isZero();
            assertThat(s.get("/collections/missing/cluster").status()).isEqualTo(404);
        }
    }

    @Test
    void aOnePeerClusterPlacesEveryReplicaOnItselfAndKeepsThePlacementAcrossRestarts() throws Exception {
        int p2p = freePort();
        String peerId;
        try (TestServer s = clusterNode(p2p)) {
            peerId = awaitLeader(s).get("peer_id").asText();
            assertThat(s.put("/collections/dflt", CREATE).status()).isEqualTo(200);
            JsonNode dflt = s.get("/collections/dflt/cluster").json().get("result");
            assertThat(dflt.get("shard_count").asInt())
                    .as("shard_number defaults to the number of peers")
                    .isEqualTo(1);
            assertThat(s.get("/collections/dflt")
                            .json()
                            .at("/result/config/params/shard_number")
                            .asInt())
                    .isEqualTo(1);
            assertThat(s.put(
                                    "/collections/c",
                                    "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":3,"
                                            + "\"replication_factor\":2}")
                            .status())
                    .isEqualTo(200);
            assertThat(s.put(
                                    "/collections/c/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[1,2,3,4]},{\"id\":2,\"vector\":[4,3,2,1]}]}")
                            .status())
                    .isEqualTo(200);
            JsonNode info = s.get("/collections/c/cluster").json().get("result");
            assertThat(info.get("peer_id").asText()).isEqualTo(peerId);
            assertThat(info.get("shard_count").asInt()).isEqualTo(3);
            assertThat(info.get("local_shards").size()).isEqualTo(3);
            assertThat(info.get("remote_shards").size())
                    .as("replication capped at one peer")
                    .isZero();
        }
        assertThat(Files.readString(storage.resolve("cluster").resolve("placements.json")))
                .contains("\"c\":[[\"" + peerId + "\"],[\"" + peerId + "\"],[\"" + peerId + "\"]]");
        try (TestServer s = clusterNode(p2p)) {
            awaitLeader(s);
            assertThat(s.post("/collections/c/points/count", "{\"exact\":true}")
                            .json()
                            .at("/result/count")
                            .asLong())
                    .isEqualTo(2);
            assertThat(s.get("/collections/c/cluster")
                            .json()
                            .at("/result/local_shards")
                            .size())
                    .isEqualTo(3);
            assertThat(s.delete("/collections/c").status()).isEqualTo(200);
        }
        assertThat(Files.readString(storage.resolve("cluster").resolve("placements.json")))
                .doesNotContain("\"c\"");
    }

    private static final String DROP = "{\"drop_replica\":{\"shard_id\":%d,\"peer_id\":%s}}";

    @Test
    void clusterOperationsOnAStandaloneNodeAreRefusedAsQdrantDoes() {
        try (TestServer s = TestServer.start(storage)) {
            assertThat(s.put("/collections/c", CREATE).status()).isEqualTo(200);
            for (String path : new String[] {"/collections/c/cluster", "/collections/missing/cluster"}) {
                TestServer.Response r = s.post(path, DROP.formatted(0, 1));
                assertThat(r.status()).as(path).isEqualTo(405);
                assertThat(r.json().at("/status/error").asText()).isEqualTo("Qdrant is running in standalone mode");
            }
        }
    }

    @Test
    void dropReplicaChecksItsArgumentsAndNeverDropsTheLastActiveReplica() throws Exception {
        try (TestServer s = clusterNode(freePort())) {
            String self = awaitLeader(s).get("peer_id").asText();
            assertThat(s.put("/collections/c", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":2}")
                            .status())
                    .isEqualTo(200);
            String placement = Files.readString(storage.resolve("cluster").resolve("placements.json"));

            TestServer.Response missing = s.post("/collections/nope/cluster", DROP.formatted(0, self));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().at("/status/error").asText()).contains("nope");

            TestServer.Response badShard = s.post("/collections/c/cluster", DROP.formatted(2, self));
            assertThat(badShard.status()).isEqualTo(400);
            assertThat(badShard.json().at("/status/error").asText()).contains("Shard 2 of c does not exist");

            TestServer.Response badPeer = s.post("/collections/c/cluster", DROP.formatted(0, "12345"));
            assertThat(badPeer.status()).isEqualTo(400);
            assertThat(badPeer.json().at("/status/error").asText()).contains("Peer 12345 does not exist");

            TestServer.Response last = s.post("/collections/c/cluster", DROP.formatted(0, self));
            assertThat(last.status()).isEqualTo(400);
            assertThat(last.json().at("/status/error").asText()).contains("last active replica of shard 0");

            assertThat(s.post("/collections/c/cluster", "{\"drop_replica\":{\"shard_id\":0}}")
                            .status())
                    .isEqualTo(400);
            assertThat(s.post("/collections/c/cluster", "{}").status()).isEqualTo(400);
            TestServer.Response noMethod = s.post("/collections/c/cluster", "{\"restart_transfer\":{\"shard_id\":0}}");
            assertThat(noMethod.status()).isEqualTo(400);
            assertThat(noMethod.json().at("/status/error").asText()).contains("restart_transfer needs from_peer_id");
            TestServer.Response noRestart = s.post(
                    "/collections/c/cluster",
                    "{\"restart_transfer\":{\"shard_id\":0,\"from_peer_id\":" + self + ",\"to_peer_id\":" + self
                            + ",\"method\":\"stream_records\"}}");
            assertThat(noRestart.status()).isEqualTo(400);
            assertThat(noRestart.json().at("/status/error").asText())
                    .isEqualTo("There is no transfer for shard 0 from " + self + " to " + self);
            TestServer.Response badMethod = s.post(
                    "/collections/c/cluster",
                    "{\"restart_transfer\":{\"shard_id\":0,\"from_peer_id\":" + self + ",\"to_peer_id\":" + self
                            + ",\"method\":\"teleport\"}}");
            assertThat(badMethod.status()).isEqualTo(400);
            assertThat(badMethod.json().at("/status/error").asText()).contains("unknown variant `teleport`");
            TestServer.Response noTransfer = s.post(
                    "/collections/c/cluster",
                    "{\"abort_transfer\":{\"shard_id\":0,\"from_peer_id\":1,\"to_peer_id\":" + self + "}}");
            assertThat(noTransfer.status()).isEqualTo(400);
            assertThat(noTransfer.json().at("/status/error").asText()).contains("There is no transfer of shard 0");
            for (String op : new String[] {"replicate_shard", "move_shard"}) {
                String to = "{\"" + op + "\":{\"shard_id\":%d,\"from_peer_id\":" + self + ",\"to_peer_id\":%s%s}}";
                TestServer.Response unknownPeer = s.post("/collections/c/cluster", to.formatted(0, "7", ""));
                assertThat(unknownPeer.status()).as(op).isEqualTo(400);
                assertThat(unknownPeer.json().at("/status/error").asText()).contains("Peer 7 does not exist");
                TestServer.Response already = s.post("/collections/c/cluster", to.formatted(1, self, ""));
                assertThat(already.status()).as(op).isEqualTo(400);
                assertThat(already.json().at("/status/error").asText()).contains("already has a replica of shard 1");
                TestServer.Response method =
                        s.post("/collections/c/cluster", to.formatted(0, self, ",\"method\":\"teleport\""));
                assertThat(method.status()).as(op).isEqualTo(400);
                assertThat(method.json().at("/status/error").asText())
                        .contains("Unknown shard transfer method \"teleport\"");
                for (String known : new String[] {"stream_records", "wal_delta", "snapshot"}) {
                    TestServer.Response accepted =
                            s.post("/collections/c/cluster", to.formatted(1, self, ",\"method\":\"" + known + "\""));
                    assertThat(accepted.json().at("/status/error").asText())
                            .as(op + " " + known + ": the method passes, the next check refuses")
                            .contains("already has a replica of shard 1");
                }
                assertThat(s.post("/collections/c/cluster", to.formatted(9, self, ""))
                                .status())
                        .as(op)
                        .isEqualTo(400);
            }
            assertThat(s.post("/collections/c/cluster", "{\"frobnicate\":{}}").status())
                    .isEqualTo(400);

            assertThat(Files.readString(storage.resolve("cluster").resolve("placements.json")))
                    .as("nothing changed")
                    .isEqualTo(placement);
            assertThat(s.get("/collections/c/cluster")
                            .json()
                            .at("/result/local_shards")
                            .size())
                    .isEqualTo(2);
        }
    }
}
