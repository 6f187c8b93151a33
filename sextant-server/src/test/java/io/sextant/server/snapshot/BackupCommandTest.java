package io.sextant.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Snapshot/backup configuration binding and {@code sextant backup verify}. */
class BackupCommandTest {
    @TempDir
    Path tmp;

    @Test
    void configBindsS3StorageUrlRecoveryAndBackups() throws Exception {
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, """
                service: {enable_snapshot_url_recovery: true}
                storage:
                  snapshots_config:
                    snapshots_storage: s3
                    s3_config: {bucket: b, region: eu-west-1, access_key: a, secret_key: s, endpoint_url: "http://x:9000"}
                backup:
                  interval: 15m
                  collections: [one, two]
                  retention: {keep_last: 3, max_age: 7d}
                  target: {local_dir: /backups}
                """);
        ServerConfig c = ConfigLoader.load(yaml, Map.of(), ConfigLoader.CliOverrides.NONE);
        SnapshotSettings s = c.storage().snapshots();
        assertThat(s.urlRecovery()).isTrue();
        assertThat(s.s3().bucket()).isEqualTo("b");
        assertThat(s.s3().region()).isEqualTo("eu-west-1");
        assertThat(s.s3().toString()).doesNotContain("s,").doesNotContain("secret");
        assertThat(s.backup().policy().interval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.backup().policy().collections()).containsExactly("one", "two");
        assertThat(s.backup().policy().keepLast()).isEqualTo(3);
        assertThat(s.backup().policy().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(s.backup().policy().drill()).isTrue();
        assertThat(s.backup().policy().incremental())
                .as("incremental by default")
                .isTrue();
        assertThat(ConfigLoader.load(
                                null,
                                Map.of(
                                        "SEXTANT__BACKUP__FORMAT",
                                        "snapshot",
                                        "SEXTANT__BACKUP__TARGET__LOCAL_DIR",
                                        "/b"),
                                ConfigLoader.CliOverrides.NONE)
                        .storage()
                        .snapshots()
                        .backup()
                        .policy()
                        .incremental())
                .isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__BACKUP__FULL", "true", "SEXTANT__BACKUP__FORMAT", "incremental"),
                        ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("backup.full");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("SEXTANT__BACKUP__FORMAT", "zip"), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("incremental or snapshot");
        assertThat(s.backup().localDir()).isEqualTo(Path.of("/backups"));

        ServerConfig d = ConfigLoader.load(null, Map.of(), ConfigLoader.CliOverrides.NONE);
        assertThat(d.storage().snapshots()).isEqualTo(SnapshotSettings.DEFAULTS);
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE", "ftp"),
                        ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("local or s3");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("SEXTANT__BACKUP__INTERVAL", "soon"), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("backup.interval");
    }

    @Test
    void verifyRestoresTheNewestBackupAndFailsOnCorruption() throws Exception {
        Path backups = tmp.resolve("backups");
        SnapshotDescription d;
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            var c = toc.create("v", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.DOT))));
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                pts.add(new PointOperation.PointStruct(
                        PointId.of(i),
                        Map.of("", new float[] {i, 1}),
                        JsonNodeFactory.instance.objectNode().put("i", i)));
            }
            c.update(new PointOperation.Upsert(pts), true);
            d = new SnapshotService(toc, new LocalSnapshotStore(backups), tmp.resolve("snaps"), null, Clock.systemUTC())
                    .createCollection("v");
        }
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "backup: {target: {local_dir: \"" + backups + "\"}}\n");
        assertThat(new CommandLine(new BackupCommand()).execute("verify", "--config", yaml.toString()))
                .isZero();

        Path file = backups.resolve("v").resolve(d.name());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThat(new CommandLine(new BackupCommand())
                        .execute("verify", "--config", yaml.toString(), "--collection", "v"))
                .isEqualTo(1);
        assertThat(new CommandLine(new BackupCommand()).execute("verify")).isEqualTo(2); // no backup: section
    }

    @Test
    void listVerifyAndRestoreIncrementalBackups() throws Exception {
        Path backups = tmp.resolve("backups");
        Path storage = tmp.resolve("storage");
        String newest;
        List<io.sextant.segment.query.PointRecord> source;
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open);
                var incremental = new io.sextant.collection.backup.IncrementalBackups(
                        new io.sextant.collection.backup.LocalBlobStore(backups), Clock.systemUTC())) {
            var c = toc.create("v", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.DOT))));
            c.update(new PointOperation.Upsert(points(0, 120, 1)), true);
            incremental.create(c, toc.newWorkDir("b1"));
            c.update(new PointOperation.Upsert(points(0, 3, 2)), true);
            newest = incremental.create(c, toc.newWorkDir("b2")).description().name();
            source = all(c);
        }
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "backup: {target: {local_dir: \"" + backups + "\"}}\n");
        var out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            assertThat(new CommandLine(new BackupCommand()).execute("list", "--config", yaml.toString()))
                    .isZero();
            assertThat(new CommandLine(new BackupCommand()).execute("verify", "--config", yaml.toString()))
                    .isZero();
            assertThat(new CommandLine(new BackupCommand())
                            .execute(
                                    "restore",
                                    "--config",
                                    yaml.toString(),
                                    "--collection",
                                    "v",
                                    "--as",
                                    "v_back",
                                    "--storage",
                                    storage.toString()))
                    .isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).contains("v\tincremental\t" + newest).contains("OK   v: " + newest);
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(all(toc.get("v_back"))).usingRecursiveComparison().isEqualTo(source);
        }
        // a damaged blob fails verify
        try (var files = Files.walk(backups.resolve("incremental/blobs"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(p);
                if (b.length > 0) {
                    b[0] ^= 1;
                    Files.write(p, b);
                }
            }
        }
        assertThat(new CommandLine(new BackupCommand()).execute("verify", "--config", yaml.toString()))
                .isEqualTo(1);
    }

    private static List<PointOperation.PointStruct> points(int from, int to, int rev) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, rev}),
                    JsonNodeFactory.instance.objectNode().put("i", i).put("rev", rev)));
        }
        return pts;
    }

    private static List<io.sextant.segment.query.PointRecord> all(io.sextant.collection.Collection c) {
        return c.retrieve(
                java.util.stream.LongStream.range(0, 120).mapToObj(PointId::of).toList(),
                io.sextant.segment.query.PayloadSelector.ALL,
                io.sextant.segment.query.VectorSelector.ALL);
    }
}
