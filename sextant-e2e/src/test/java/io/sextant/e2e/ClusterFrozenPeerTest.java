package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged peers; a collection of 3 shards with 2 replicas each and {@code
 * read_fan_out_delay_ms: 20}; one peer frozen with SIGSTOP (its process and sockets stay, nothing
 * answers). Reads through another peer keep answering within a bound, whichever replica they ask
 * first (a frozen replica would otherwise cost the 30 s internal call deadline); the first write
 * waits until the frozen peer's replicas are Dead (marked by the Raft leader's failure detection
 * after {@code cluster.peer_unresponsive_ms}, or by a missed forward deadline), after which later
 * writes do not wait for it ({@link ClusterFrozenPrimaryTest} bounds every write).
 */
class ClusterFrozenPeerTest {
    private static final int POINTS = 300;
    /** Far below the 30 s internal call deadline a read on the frozen replica would wait for. */
    private static final long READ_BOUND_MILLIS = 3_000;

    @TempDir
    Path dir;

    private LoopbackCluster cluster;

    @AfterEach
    void stopAll() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RestCalls.Reply call(ServerProcess p, String method, String path, String body) throws Exception {
        return LoopbackCluster.call(p, method, path, body);
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> probe) throws Exception {
        LoopbackCluster.until(what, probe, 30);
    }

    /** {@code n} points with ids from {@code first} (they land in every shard). */
    private static String batch(int first, int n) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(first + i)
                    .append(",\"vector\":[1,0.5,1,")
                    .append(0.01 + i / 100.0)
                    .append("]}");
        }
        return b.append("]}").toString();
    }

    @Test
    void readsThroughALivePeerStayWithinABoundWhileAReplicaPeerIsFrozen() throws Exception {
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> started = cluster.startThree();
        ServerProcess one = started.get(0);
        ServerProcess two = started.get(1);
        ServerProcess three = started.get(2);
        RestCalls.Reply created = call(
                one,
                "PUT",
                "/collections/tail",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3,\"replication_factor\":2}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        for (ServerProcess p : List.of(one, two, three)) {
            until(
                    "collection on " + p.baseUrl(),
                    () -> call(p, "GET", "/collections/tail", null).status() == 200);
        }
        Random random = new Random(7);
        StringBuilder points = new StringBuilder("{\"points\":[");
        for (int i = 0; i < POINTS; i++) {
            points.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"vector\":[");
            for (int d = 0; d < 4; d++) {
                points.append(d == 0 ? "" : ",").append(random.nextFloat() + 0.01f);
            }
            points.append("]}");
        }
        points.append("]}");
        RestCalls.Reply upsert = call(one, "PUT", "/collections/tail/points?wait=true", points.toString());
        assertThat(upsert.status()).as("%s", upsert.body()).isEqualTo(200);
        RestCalls.Reply patched = call(
                one,
                "PATCH",
                "/collections/tail",
                "{\"params\":{\"read_fan_out_factor\":0,\"read_fan_out_delay_ms\":20}}");
        assertThat(patched.status()).as("%s", patched.body()).isEqualTo(200);
        until(
                "fan-out params on peer 1",
                () -> call(one, "GET", "/collections/tail", null)
                                .body()
                                .at("/result/config/params/read_fan_out_delay_ms")
                                .asLong()
                        == 20);

        three.freeze();
        long worst = 0;
        for (int i = 0; i < 40; i++) {
            long t = System.nanoTime();
            RestCalls.Reply r = call(
                    one,
                    "POST",
                    "/collections/tail/points/query",
                    "{\"query\":[" + random.nextFloat() + ",0.5,0.5," + random.nextFloat() + "],\"limit\":5}");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            worst = Math.max(worst, ms);
            assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
            assertThat(r.body().at("/result/points").size()).isEqualTo(5);
            assertThat(ms).as("query %d with peer 3 frozen", i).isLessThan(READ_BOUND_MILLIS);
        }
        RestCalls.Reply count = call(one, "POST", "/collections/tail/points/count", "{\"exact\":true}");
        assertThat(count.body().at("/result/count").asLong())
                .as("every shard answers, through a live replica")
                .isEqualTo(POINTS);

        long t = System.nanoTime();
        RestCalls.Reply write = call(one, "PUT", "/collections/tail/points?wait=true", batch(POINTS, 30));
        long firstWrite = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        assertThat(write.status()).as("%s", write.body()).isEqualTo(200);
        assertThat(firstWrite)
                .as("until peer 3's replicas are Dead (seconds now; the old bound allowed the 30 s call deadline)")
                .isLessThan(45_000);
        t = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            RestCalls.Reply w = call(one, "PUT", "/collections/tail/points?wait=true", batch(POINTS + 30 * i, 30));
            assertThat(w.status()).as("%s", w.body()).isEqualTo(200);
        }
        long laterWrites = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        JsonNode shards =
                call(one, "GET", "/collections/tail/cluster", null).body().at("/result/remote_shards");
        System.out.printf(
                "frozen peer: worst query %d ms, first write %d ms, 5 later writes %d ms, remote shards %s%n",
                worst, firstWrite, laterWrites, shards);
        assertThat(laterWrites)
                .as("no write waits for the frozen peer once its replicas are Dead")
                .isLessThan(10_000);
    }
}
