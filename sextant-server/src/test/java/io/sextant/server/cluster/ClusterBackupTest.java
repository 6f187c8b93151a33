package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.collection.backup.BackupStatus;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled backups in a cluster: only the metadata group's leader runs them, so each shard is
 * backed up once per interval (through its replica set: a local replica or a peer's), not once per
 * peer.
 */
class ClusterBackupTest {

    @TempDir
    Path dir;

    private final List<TestServer> peers = new ArrayList<>();

    @AfterEach
    void stop() {
        peers.forEach(TestServer::close);
    }

    private static long successes(TestServer p) {
        BackupStatus.Backup b = p.server().snapshots().backupStatus().backups().get("kept");
        return b == null ? 0 : b.successes();
    }

    @Test
    void onlyTheLeaderRunsScheduledBackups() throws Exception {
        peers.addAll(InProcessCluster.start(
                dir,
                2,
                "http",
                i -> Map.of(
                        "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                                dir.resolve("snapshots-" + i).toString(),
                        "SEXTANT__BACKUP__INTERVAL", "1s",
                        "SEXTANT__BACKUP__TARGET__LOCAL_DIR",
                                dir.resolve("backups-" + i).toString())));
        TestServer leader = peers.get(0);
        TestServer follower = peers.get(1);
        assertThat(leader.get("/cluster").json().at("/result/raft_info/role").asText())
                .isEqualTo("Leader");
        assertThat(leader.put(
                                "/collections/kept",
                                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":2,"
                                        + "\"replication_factor\":1}")
                        .status())
                .isEqualTo(200);
        assertThat(leader.put(
                                "/collections/kept/points?wait=true",
                                "{\"points\":[{\"id\":1,\"vector\":[1,0,0,0]},{\"id\":2,\"vector\":[0,1,0,0]}]}")
                        .status())
                .isEqualTo(200);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (successes(leader) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(successes(leader)).isGreaterThanOrEqualTo(2);
        assertThat(follower.server().snapshots().backupStatus().backups()).isEmpty();
    }
}
