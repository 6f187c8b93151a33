package io.sextant.server.snapshot;

import io.sextant.collection.backup.BackupStatus;
import io.sextant.collection.backup.RestoreDrill;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.S3SnapshotStore;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotStore;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sextant backup verify [--config F] [--collection C]...}: proves the newest backup of each
 * collection in the configured backup target by restoring it into a scratch node (never the live
 * one), checking the checksum, the point count recorded in the snapshot and that sampled points
 * read back with finite vectors, and printing the time to recover. Exit status 0 when every
 * backup verifies, 1 when one fails, 2 for a configuration problem. The live-source comparison
 * runs in the server's periodic drill ({@code backup.drill}).
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Scheduled backup tools",
        subcommands = {BackupCommand.Verify.class})
public final class BackupCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("usage: sextant backup verify [--config F] [--collection C]...");
        return 0;
    }

    /** {@code backup verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Restore the newest backups and check them")
    static final class Verify implements Callable<Integer> {
        @Option(
                names = {"--config-path", "--config"},
                description = "YAML configuration file with a backup: section")
        Path configFile;

        @Option(names = "--collection", description = "collection to verify (repeatable; default: all in the target)")
        List<String> collections = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SnapshotSettings.Backup backup;
            try {
                ServerConfig config = ConfigLoader.load(configFile, System.getenv(), ConfigLoader.CliOverrides.NONE);
                backup = config.storage().snapshots().backup();
                if (backup == null) {
                    throw new IllegalArgumentException("no enabled backup: section in the configuration");
                }
            } catch (IllegalArgumentException e) {
                System.err.println("sextant backup verify: invalid configuration: " + e.getMessage());
                return 2;
            }
            SnapshotStore store =
                    backup.s3() != null ? new S3SnapshotStore(backup.s3()) : new LocalSnapshotStore(backup.localDir());
            List<String> names = !collections.isEmpty()
                    ? collections
                    : !backup.policy().collections().isEmpty() ? backup.policy().collections() : localScopes(backup);
            if (names.isEmpty()) {
                System.err.println("sextant backup verify: no collections given and none found in " + store.location());
                return 2;
            }
            boolean allOk = true;
            Path scratchRoot = Files.createTempDirectory("sextant-verify");
            try {
                for (String name : names) {
                    List<SnapshotDescription> list = store.list(SnapshotNames.collectionScope(name));
                    if (list.isEmpty()) {
                        System.out.printf("FAIL %s: no backup in %s%n", name, store.location());
                        allOk = false;
                        continue;
                    }
                    SnapshotDescription newest = list.getLast();
                    BackupStatus.Drill d = RestoreDrill.run(
                            store,
                            SnapshotNames.collectionScope(name),
                            newest,
                            name,
                            scratchRoot.resolve(name),
                            null,
                            64,
                            System.nanoTime());
                    System.out.printf(
                            "%s %s: %s, %d of %d points restored, %d sampled, recovered in %d ms%s%n",
                            d.ok() ? "OK  " : "FAIL",
                            name,
                            newest.name(),
                            d.restoredPoints(),
                            d.expectedPoints(),
                            d.sampled(),
                            d.recoveryMillis(),
                            d.error() == null ? "" : " (" + d.error() + ")");
                    allOk &= d.ok();
                }
            } finally {
                io.sextant.collection.AtomicFiles.deleteTree(scratchRoot);
                if (store instanceof AutoCloseable c) {
                    c.close();
                }
            }
            return allOk ? 0 : 1;
        }

        private static List<String> localScopes(SnapshotSettings.Backup backup) throws Exception {
            if (backup.localDir() == null || !Files.isDirectory(backup.localDir())) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(backup.localDir())) {
                return s.filter(Files::isDirectory)
                        .map(p -> p.getFileName().toString())
                        .filter(n -> !n.equals("tmp"))
                        .sorted()
                        .toList();
            }
        }
    }
}
