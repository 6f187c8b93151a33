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
 * Three packaged peers, a collection of 3 shards with 2 replicas each and {@code
 * write_consistency_factor: 1}. One peer is killed with SIGKILL, writes (upserts and deletes) go
 * on through the other two, the peer is restarted: its replicas become Active again, all caught up
 * by {@code wal_delta} (only the writes they missed): those of shards it did not order from the same
 * primary, those of shards it ordered from the replica that took over (a delta across the primary
 * change), and every acknowledged write is readable through every peer.
 */
class ClusterWalDeltaTest {
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
        return call(p, "GET", "/collections/delta/cluster", null).body().get("result");
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> probe) throws Exception {
        LoopbackCluster.until(what, probe, 40);
    }

    private static String points(int from, int to) {
        return LoopbackCluster.points(from, to);
    }

    private static void write(ServerProcess via, String method, String path, String body) throws Exception {
        LoopbackCluster.write(via, method, path, body, 20);
    }

    @Test
    void aKilledReplicaPeerIsCaughtUpByWalDeltaWithEveryAcknowledgedWrite() throws Exception {
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> started = cluster.startThree();
        ServerProcess one = started.get(0);
        ServerProcess two = started.get(1);
        ServerProcess three = started.get(2);
        RestCalls.Reply created = call(
                one,
                "PUT",
                "/collections/delta",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3,\"replication_factor\":2,"
                        + "\"write_consistency_factor\":1}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        until("collection on peer 3", () -> clusterOf(three).has("local_shards"));
        String threeId = clusterOf(three).get("peer_id").asText();
        SortedSet<Integer> expected = new TreeSet<>();
        write(two, "PUT", "/collections/delta/points?wait=true", points(0, 300));
        addRange(expected, 0, 300);

        three.kill(); // SIGKILL
        for (int from = 300; from < 500; from += 20) {
            ServerProcess via = from % 40 == 0 ? one : two;
            write(via, "PUT", "/collections/delta/points?wait=true", points(from, from + 20));
            addRange(expected, from, from + 20);
            int gone = (from - 300) / 2; // an old point and one of this batch
            write(
                    via,
                    "POST",
                    "/collections/delta/points/delete?wait=true",
                    "{\"points\":[" + gone + "," + (from + 3) + "]}");
            expected.remove(gone);
            expected.remove(from + 3);
        }
        write(
                one,
                "POST",
                "/collections/delta/points/payload?wait=true",
                "{\"payload\":{\"late\":true},\"points\":[250]}");
        for (ServerProcess p : List.of(one, two)) {
            until(
                    "peer 3's replicas Dead on " + p.baseUrl(),
                    () -> LoopbackCluster.remoteStatesOf(clusterOf(p), threeId).equals(List.of("Dead", "Dead")));
        }

        three.start(); // same storage: its replicas and their clocks survived the kill
        for (ServerProcess p : List.of(one, two)) {
            until(
                    "peer 3's replicas Active on " + p.baseUrl(),
                    () -> LoopbackCluster.remoteStatesOf(clusterOf(p), threeId).equals(List.of("Active", "Active")));
        }
        write(three, "PUT", "/collections/delta/points?wait=true", points(1000, 1010));
        addRange(expected, 1000, 1010);

        List<JsonNode> toThree = new ArrayList<>();
        for (ServerProcess p : List.of(one, two)) {
            clusterOf(p).get("finished_transfers").forEach(t -> {
                if (t.get("to").asText().equals(threeId)) {
                    toThree.add(t);
                }
            });
        }
        assertThat(toThree).as("transfers to the restarted peer: %s", toThree).isNotEmpty();
        assertThat(toThree)
                .allSatisfy(t -> assertThat(t.get("activated").asBoolean()).isTrue());
        assertThat(toThree.stream()
                        .map(t -> t.get("shard_id").asInt())
                        .distinct()
                        .count())
                .as("both of its replicas were repaired: %s", toThree)
                .isEqualTo(2);
        // every repair is a delta: of the shard it did not order, from the same primary; of the
        // shard it ordered, from the replica that took over (the kill fell between acknowledged
        // writes, so it holds nothing the new primary lacks)
        assertThat(toThree)
                .as("every replica of the restarted peer caught up by wal_delta: %s", toThree)
                .allSatisfy(t -> assertThat(t.get("method").asText()).isEqualTo("wal_delta"));
        assertThat(toThree.stream().filter(t -> t.get("items").asLong() > 0))
                .as("only the missed writes: %s", toThree)
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.get("items").asLong()).isBetween(1L, 100L));

        for (ServerProcess p : List.of(one, two, three)) {
            RestCalls.Reply reply = call(
                    p,
                    "POST",
                    "/collections/delta/points/scroll?consistency=all",
                    "{\"limit\":5000,\"with_payload\":true}");
            assertThat(reply.status()).as("%s", reply.body()).isEqualTo(200);
            JsonNode scrolled = reply.body().at("/result/points");
            SortedSet<Integer> ids = new TreeSet<>();
            scrolled.forEach(pt -> {
                assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
                ids.add(pt.get("id").asInt());
                if (pt.get("id").asInt() == 250) {
                    assertThat(pt.at("/payload/late").asBoolean()).isTrue();
                }
            });
            assertThat(ids)
                    .as("every acknowledged write, read through %s from every replica", p.baseUrl())
                    .isEqualTo(expected);
        }
    }

    private static void addRange(SortedSet<Integer> set, int from, int to) {
        for (int i = from; i < to; i++) {
            set.add(i);
        }
    }
}
