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
 * Shard transfers as metadata log entries, on three packaged peers: every peer lists a running
 * transfer; a throttled {@code move_shard} survives a kill -9 of the peer that took the call, which
 * is also the shard's primary (the restarted primary resumes the transfer from the log, and the
 * move's drop of the source, decided at its start, happens when it ends); and {@code
 * storage.shard_transfer_method: snapshot} makes the automatic repair of a Dead replica that cannot
 * be caught up by {@code wal_delta} use the snapshot method.
 */
class ClusterTransferLogTest {
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
        return call(p, "GET", "/collections/tl/cluster", null).body().get("result");
    }

    private static final int N = 1200;

    /** The peers of {@code tl} (one shard): the ones holding a replica, and the others. */
    private record Roles(List<ServerProcess> holders, List<ServerProcess> others) {}

    private static Roles create(List<ServerProcess> peers, int replicationFactor) throws Exception {
        RestCalls.Reply created = call(
                peers.get(0),
                "PUT",
                "/collections/tl",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1,\"replication_factor\":"
                        + replicationFactor + "}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        List<ServerProcess> holders = new ArrayList<>();
        List<ServerProcess> others = new ArrayList<>();
        for (ServerProcess p : peers) {
            LoopbackCluster.until(
                    "collection on " + p.baseUrl(), () -> clusterOf(p).has("local_shards"), 30);
            (clusterOf(p).get("local_shards").isEmpty() ? others : holders).add(p);
        }
        for (int from = 0; from < N; from += 400) {
            LoopbackCluster.write(
                    peers.get(0),
                    "PUT",
                    "/collections/tl/points?wait=true",
                    LoopbackCluster.points(from, from + 400),
                    20);
        }
        return new Roles(holders, others);
    }

    private static String id(ServerProcess p) throws Exception {
        return clusterOf(p).get("peer_id").asText();
    }

    /**
     * Every point id read through {@code via} with {@code consistency=all}, payloads checked. The read
     * is retried for up to 20 s while {@code via}'s replica state book does not yet count every
     * replica readable: the observer applies the entry that makes the returned replica Active a
     * heartbeat after the survivor that the test polls (bin/test: "has 1 readable replicas reachable
     * from peer …, the scroll needs 2" right after the survivor listed it Active).
     */
    private static SortedSet<Integer> readAll(ServerProcess via) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        RestCalls.Reply read;
        do {
            read = call(
                    via,
                    "POST",
                    "/collections/tl/points/scroll?consistency=all",
                    "{\"limit\":5000,\"with_payload\":true}");
            if (read.status() == 200) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(read.status()).as("%s", read.body()).isEqualTo(200);
        SortedSet<Integer> ids = new TreeSet<>();
        read.body().at("/result/points").forEach(pt -> {
            assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
            ids.add(pt.get("id").asInt());
        });
        return ids;
    }

    @Test
    void aMoveWhosePrimaryIsKilledMidTransferResumesFromTheLogAndDropsTheSource() throws Exception {
        cluster = new LoopbackCluster(dir).withEnv("SEXTANT__CLUSTER__TRANSFER__POINTS_PER_SECOND", "200");
        List<ServerProcess> peers = cluster.startThree();
        Roles roles = create(peers, 1);
        ServerProcess source = roles.holders().getFirst();
        ServerProcess target = roles.others().get(0);
        ServerProcess observer = roles.others().get(1);
        String sourceId = id(source);
        String targetId = id(target);

        RestCalls.Reply move = call(
                source,
                "POST",
                "/collections/tl/cluster",
                "{\"move_shard\":{\"shard_id\":0,\"from_peer_id\":" + sourceId + ",\"to_peer_id\":" + targetId
                        + ",\"method\":\"stream_records\"}}");
        assertThat(move.status()).as("%s", move.body()).isEqualTo(200);

        // (b) a peer that neither runs nor receives the transfer lists it, as every peer does
        for (ServerProcess p : List.of(observer, target, source)) {
            LoopbackCluster.until(
                    "the transfer listed on " + p.baseUrl(),
                    () -> clusterOf(p).get("shard_transfers").size() == 1,
                    20);
            JsonNode t = clusterOf(p).get("shard_transfers").get(0);
            assertThat(t.get("shard_id").asInt()).isZero();
            assertThat(t.get("from").asText()).isEqualTo(sourceId);
            assertThat(t.get("to").asText()).isEqualTo(targetId);
            assertThat(t.get("sync").asBoolean()).isTrue();
            assertThat(t.get("method").asText()).isEqualTo("stream_records");
            assertThat(t.get("comment").asText()).startsWith("move");
        }
        // writes acknowledged during the transfer
        LoopbackCluster.write(
                observer, "PUT", "/collections/tl/points?wait=true", LoopbackCluster.points(N, N + 100), 20);
        Thread.sleep(1000); // the stream is under way (200 points a second: about 6 s in all)

        source.kill(); // SIGKILL of the shard's primary, which also took the move call
        source.start();

        LoopbackCluster.until(
                "the move finished: only the target holds the shard, Active",
                () -> {
                    JsonNode c = clusterOf(observer);
                    return c.get("shard_transfers").isEmpty()
                            && c.get("remote_shards").size() == 1
                            && c.get("remote_shards")
                                    .get(0)
                                    .get("peer_id")
                                    .asText()
                                    .equals(targetId)
                            && c.get("remote_shards")
                                    .get(0)
                                    .get("state")
                                    .asText()
                                    .equals("Active");
                },
                45);
        LoopbackCluster.write(
                observer, "PUT", "/collections/tl/points?wait=true", LoopbackCluster.points(N + 100, N + 150), 20);
        SortedSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < N + 150; i++) {
            expected.add(i);
        }
        for (ServerProcess p : List.of(observer, target, source)) {
            assertThat(readAll(p))
                    .as("every acknowledged point, through %s", p.baseUrl())
                    .isEqualTo(expected);
        }
        LoopbackCluster.until(
                "the source's copy deleted",
                () -> clusterOf(source).get("local_shards").isEmpty(),
                10);
    }

    @Test
    void theConfiguredSnapshotMethodRepairsAReplicaThatCannotBeCaughtUpByWalDelta() throws Exception {
        cluster = new LoopbackCluster(dir).withEnv("SEXTANT__STORAGE__SHARD_TRANSFER_METHOD", "snapshot");
        List<ServerProcess> peers = cluster.startThree();
        Roles roles = create(peers, 2);
        // the primary is the first replica in placement order: the one the others list first
        ServerProcess observer = roles.others().getFirst();
        String primaryId = null;
        for (JsonNode r : clusterOf(observer).get("remote_shards")) {
            primaryId = primaryId == null ? r.get("peer_id").asText() : primaryId;
        }
        ServerProcess primary = null;
        ServerProcess replica = null;
        for (ServerProcess p : roles.holders()) {
            if (id(p).equals(primaryId)) {
                primary = p;
            } else {
                replica = p;
            }
        }
        assertThat(primary).isNotNull();
        assertThat(replica).isNotNull();
        ServerProcess survivor = replica;

        primary.kill();
        // its retained history and replica clocks are lost while it is down: its recovery point is
        // unknown, so no wal_delta can repair it (a primary that returns with them intact is caught
        // up by wal_delta from the new primary: ClusterPrimaryRestartWalDeltaTest)
        try (var files = java.nio.file.Files.walk(primary.storage())) {
            for (java.nio.file.Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".retained") || name.endsWith(".clock")) {
                    java.nio.file.Files.delete(f);
                }
            }
        }
        String downId = primaryId;
        LoopbackCluster.until(
                "the killed primary's replica Dead",
                () -> LoopbackCluster.remoteStatesOf(clusterOf(survivor), downId)
                        .equals(List.of("Dead")),
                30);
        LoopbackCluster.write(
                observer, "PUT", "/collections/tl/points?wait=true", LoopbackCluster.points(N, N + 100), 40);
        primary.start();
        LoopbackCluster.until(
                "the returned replica Active",
                () -> LoopbackCluster.remoteStatesOf(clusterOf(survivor), downId)
                        .equals(List.of("Active")),
                45);
        List<JsonNode> done = new ArrayList<>();
        clusterOf(survivor).get("finished_transfers").forEach(done::add);
        assertThat(done).as("%s", done).isNotEmpty();
        // the repair after the restart (a later outage, e.g. a forward that failed while the peer was
        // starting, may add a wal_delta repair after it)
        JsonNode first = done.getFirst();
        assertThat(first.get("method").asText()).as("%s", done).isEqualTo("snapshot");
        assertThat(first.get("activated").asBoolean()).as("%s", done).isTrue();
        assertThat(first.has("fallback_reason"))
                .as("why not wal_delta: %s", first)
                .isTrue();
        assertThat(first.get("fallback_reason").asText()).contains("recovery point is unknown");
        SortedSet<Integer> ids = readAll(observer);
        assertThat(ids).hasSize(N + 100);
        assertThat(ids.first()).isZero();
        assertThat(ids.last()).isEqualTo(N + 99);
    }
}
