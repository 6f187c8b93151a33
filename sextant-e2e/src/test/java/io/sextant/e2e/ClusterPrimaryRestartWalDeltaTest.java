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
 * A replica misses writes while its peer is down, and the shard's primary is killed with SIGKILL
 * and started again before the replica returns: the primary's retained history survived on disk,
 * so the returning replica is still caught up by {@code wal_delta} (only the writes it missed).
 * Then the primary is killed again, the replica takes over as primary and orders writes, and the
 * old primary returns: it too is caught up by {@code wal_delta}, across the primary change. Every
 * acknowledged write is read back with {@code consistency=all} through every peer.
 */
class ClusterPrimaryRestartWalDeltaTest {
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
        return call(p, "GET", "/collections/pr/cluster", null).body().get("result");
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> probe) throws Exception {
        LoopbackCluster.until(what, probe, 60);
    }

    private static String points(int from, int to) {
        return LoopbackCluster.points(from, to);
    }

    private static void write(ServerProcess via, String method, String path, String body) throws Exception {
        LoopbackCluster.write(via, method, path, body, 40);
    }

    private static String stateOf(ServerProcess p, String peerId) throws Exception {
        for (JsonNode r : clusterOf(p).get("remote_shards")) {
            if (r.get("peer_id").asText().equals(peerId)) {
                return r.get("state").asText();
            }
        }
        return "none";
    }

    @Test
    void aReplicaIsCaughtUpByWalDeltaAfterThePrimaryRestarted() throws Exception {
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> peers = cluster.startThree();
        RestCalls.Reply created = call(
                peers.get(0),
                "PUT",
                "/collections/pr",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1,\"replication_factor\":2,"
                        + "\"write_consistency_factor\":1}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        for (ServerProcess p : peers) {
            until("collection on " + p.baseUrl(), () -> clusterOf(p).has("local_shards"));
        }
        // the peer without a replica lists both replicas in placement order: the first is the primary
        ServerProcess other = null;
        for (ServerProcess p : peers) {
            if (clusterOf(p).get("local_shards").isEmpty()) {
                other = p;
            }
        }
        assertThat(other).isNotNull();
        JsonNode replicas = clusterOf(other).get("remote_shards");
        String primaryId = replicas.get(0).get("peer_id").asText();
        String replicaId = replicas.get(1).get("peer_id").asText();
        ServerProcess primary = byId(peers, primaryId);
        ServerProcess replica = byId(peers, replicaId);
        ServerProcess via = other;
        SortedSet<Integer> expected = new TreeSet<>();
        write(via, "PUT", "/collections/pr/points?wait=true", points(0, 200));
        addRange(expected, 0, 200);

        replica.kill(); // SIGKILL: it misses what follows
        for (int from = 200; from < 300; from += 20) {
            write(via, "PUT", "/collections/pr/points?wait=true", points(from, from + 20));
            addRange(expected, from, from + 20);
            write(via, "POST", "/collections/pr/points/delete?wait=true", "{\"points\":[" + (from - 100) + "]}");
            expected.remove(from - 100);
        }
        until("the replica Dead on the primary", () -> stateOf(primary, replicaId)
                .equals("Dead"));

        primary.kill(); // SIGKILL of the primary before the replica returns
        primary.start(); // same storage: its shard and its retained history survived
        until(
                "the primary answers",
                () -> clusterOf(primary).get("local_shards").size() == 1);
        for (int from = 300; from < 340; from += 20) {
            write(via, "PUT", "/collections/pr/points?wait=true", points(from, from + 20));
            addRange(expected, from, from + 20);
        }
        write(
                via,
                "POST",
                "/collections/pr/points/payload?wait=true",
                "{\"payload\":{\"late\":true},\"points\":[150]}");

        replica.start();
        for (ServerProcess p : List.of(primary, other)) {
            until("the replica Active on " + p.baseUrl(), () -> stateOf(p, replicaId)
                    .equals("Active"));
        }

        List<JsonNode> toReplica = finishedTransfersTo(primary, replicaId);
        assertThat(toReplica)
                .as("transfers to the returning replica: %s", toReplica)
                .hasSize(1);
        JsonNode t = toReplica.getFirst();
        assertThat(t.get("method").asText()).as("%s", t).isEqualTo("wal_delta");
        assertThat(t.get("activated").asBoolean()).isTrue();
        // 5 upserts and 5 deletes while it was down, 2 upserts and a payload write after the restart
        assertThat(t.get("items").asLong()).as("%s", t).isEqualTo(13);

        // a primary change: the primary is killed, the replica takes over and orders writes, and the
        // old primary returns: it gets exactly the new primary's writes by wal_delta
        primary.kill();
        for (int from = 400; from < 460; from += 20) {
            write(via, "PUT", "/collections/pr/points?wait=true", points(from, from + 20));
            addRange(expected, from, from + 20);
        }
        until("the old primary Dead on the new one", () -> stateOf(replica, primaryId)
                .equals("Dead"));
        primary.start();
        for (ServerProcess p : List.of(replica, other)) {
            until("the old primary Active on " + p.baseUrl(), () -> stateOf(p, primaryId)
                    .equals("Active"));
        }
        List<JsonNode> toOld = finishedTransfersTo(replica, primaryId);
        assertThat(toOld).as("transfers to the old primary: %s", toOld).hasSize(1);
        JsonNode back = toOld.getFirst();
        assertThat(back.get("method").asText()).as("%s", back).isEqualTo("wal_delta");
        assertThat(back.get("activated").asBoolean()).isTrue();
        assertThat(back.get("items").asLong())
                .as("the new primary's 3 writes: %s", back)
                .isEqualTo(3);

        for (ServerProcess p : peers) {
            // retried for up to 20 s: a peer whose channel to a restarted peer is still in its
            // reconnect backoff answers its first read with "unreachable" (bin/test), and
            // reconnects at once after that failure
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            RestCalls.Reply reply;
            do {
                reply = call(
                        p,
                        "POST",
                        "/collections/pr/points/scroll?consistency=all",
                        "{\"limit\":5000,\"with_payload\":true}");
                if (reply.status() == 200) {
                    break;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            assertThat(reply.status()).as("%s", reply.body()).isEqualTo(200);
            SortedSet<Integer> ids = new TreeSet<>();
            reply.body().at("/result/points").forEach(pt -> {
                assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
                ids.add(pt.get("id").asInt());
                if (pt.get("id").asInt() == 150) {
                    assertThat(pt.at("/payload/late").asBoolean()).isTrue();
                }
            });
            assertThat(ids)
                    .as("every acknowledged write, read through %s from both replicas", p.baseUrl())
                    .isEqualTo(expected);
        }
    }

    /** The transfers {@code from} ran to the end to peer {@code to}. */
    private static List<JsonNode> finishedTransfersTo(ServerProcess from, String to) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        clusterOf(from).get("finished_transfers").forEach(t -> {
            if (t.get("to").asText().equals(to)) {
                out.add(t);
            }
        });
        return out;
    }

    private static ServerProcess byId(List<ServerProcess> peers, String id) throws Exception {
        for (ServerProcess p : peers) {
            if (clusterOf(p).get("peer_id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no peer " + id);
    }

    private static void addRange(SortedSet<Integer> set, int from, int to) {
        for (int i = from; i < to; i++) {
            set.add(i);
        }
    }
}
