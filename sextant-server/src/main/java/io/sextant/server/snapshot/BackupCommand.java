package io.sextant.server.snapshot;

import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.BackupStatus;
import io.sextant.collection.backup.IncrementalBackups;
import io.sextant.collection.backup.RestoreDrill;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.S3SnapshotStore;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotLocations;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.collection.snapshot.SnapshotStore;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import io.sextant.shard.LocalShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sextant backup list|verify|restore [--config F] [--collection C]...}: the backups in the
 * configured backup target, both forms (incremental manifests and snapshot archives).
 *
 * <ul>
 *   <li>{@code list} prints every backup per collection, oldest first: form, name, time, bytes.
 *   <li>{@code verify} proves the newest backup of each collection by restoring it into a scratch
 *       node (never the live one), checking every blob hash or the archive checksum, the point count
 *       recorded at backup and that sampled points read back with finite vectors, and printing the
 *       time to recover. The live-source comparison runs in the server's periodic drill.
 *   <li>{@code restore --collection C [--backup NAME] [--as NEW] [--storage DIR]} restores the
 *       newest (or the named) backup into the node's storage directory, offline: stop the server
 *       first (a running server holds the storage lock and the restore fails). A collection of the
 *       target name is replaced.
 * </ul>
 *
 * Exit status 0 on success, 1 when a backup fails, 2 for a configuration problem.
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Scheduled backup tools",
        subcommands = {BackupCommand.ListBackups.class, BackupCommand.Verify.class, BackupCommand.Restore.class})
public final class BackupCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("usage: sextant backup list|verify|restore [--config F] [--collection C]...");
        return 0;
    }

    /** The configuration options every subcommand takes. */
    static final class Target {
        @Option(
                names = {"--config-path", "--config"},
                description = "YAML configuration file with a backup: section")
        Path configFile;

        @Option(names = "--collection", description = "collection (repeatable; default: all in the target)")
        List<String> collections = new ArrayList<>();

        ServerConfig config;
        SnapshotSettings.Backup backup;
        SnapshotStore store;
        IncrementalBackups incremental;

        /** Loads the configuration and opens the target; null on success, else the exit status. */
        Integer open(String command) {
            try {
                config = ConfigLoader.load(configFile, System.getenv(), ConfigLoader.CliOverrides.NONE);
                backup = config.storage().snapshots().backup();
                if (backup == null) {
                    throw new IllegalArgumentException("no enabled backup: section in the configuration");
                }
            } catch (IllegalArgumentException e) {
                System.err.println("sextant backup " + command + ": invalid configuration: " + e.getMessage());
                return 2;
            }
            store = backup.s3() != null ? new S3SnapshotStore(backup.s3()) : new LocalSnapshotStore(backup.localDir());
            incremental = new IncrementalBackups(SnapshotFeature.blobStore(backup), Clock.systemUTC());
            return null;
        }

        void close() throws Exception {
            if (incremental != null) {
                incremental.close();
            }
            if (store instanceof AutoCloseable c) {
                c.close();
            }
        }

        /** The collections asked for, else those of the policy, else every one with a backup. */
        List<String> names() throws Exception {
            if (!collections.isEmpty()) {
                return collections;
            }
            if (!backup.policy().collections().isEmpty()) {
                return backup.policy().collections();
            }
            TreeSet<String> all = new TreeSet<>(incremental.collections());
            all.addAll(localScopes());
            return List.copyOf(all);
        }

        private List<String> localScopes() throws Exception {
            if (backup.localDir() == null || !Files.isDirectory(backup.localDir())) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(backup.localDir())) {
                return s.filter(Files::isDirectory)
                        .map(p -> p.getFileName().toString())
                        .filter(n -> !n.equals("tmp") && !n.equals("incremental"))
                        .sorted()
                        .toList();
            }
        }

        /** Both forms of backups of {@code name}, oldest first. */
        List<SnapshotDescription> backups(String name) {
            List<SnapshotDescription> all = new ArrayList<>(incremental.list(name));
            all.addAll(store.list(SnapshotNames.collectionScope(name)));
            all.sort(Comparator.comparing((SnapshotDescription d) -> d.creationTime() == null ? "" : d.creationTime())
                    .thenComparing(SnapshotDescription::name));
            return all;
        }

        static boolean isIncremental(SnapshotDescription d) {
            return d.name().endsWith(IncrementalBackups.SUFFIX);
        }
    }

    /** {@code backup list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups in the target")
    static final class ListBackups implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            Integer bad = target.open("list");
            if (bad != null) {
                return bad;
            }
            try {
                for (String name : target.names()) {
                    for (SnapshotDescription d : target.backups(name)) {
                        System.out.printf(
                                "%s\t%s\t%s\t%s\t%d bytes%n",
                                name,
                                Target.isIncremental(d) ? "incremental" : "snapshot",
                                d.name(),
                                d.creationTime(),
                                d.size());
                    }
                }
                return 0;
            } finally {
                target.close();
            }
        }
    }

    /** {@code backup verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Restore the newest backups and check them")
    static final class Verify implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            Integer bad = target.open("verify");
            if (bad != null) {
                return bad;
            }
            Path scratchRoot = Files.createTempDirectory("sextant-verify");
            try {
                List<String> names = target.names();
                if (names.isEmpty()) {
                    System.err.println("sextant backup verify: no collections given and none found in "
                            + target.incremental.location());
                    return 2;
                }
                boolean allOk = true;
                for (String name : names) {
                    List<SnapshotDescription> list = target.backups(name);
                    if (list.isEmpty()) {
                        System.out.printf("FAIL %s: no backup in %s%n", name, target.store.location());
                        allOk = false;
                        continue;
                    }
                    SnapshotDescription newest = list.getLast();
                    Path scratch = scratchRoot.resolve(name);
                    long seed = System.nanoTime();
                    BackupStatus.Drill d = Target.isIncremental(newest)
                            ? RestoreDrill.run(target.incremental, newest.name(), name, scratch, null, 64, seed)
                            : RestoreDrill.run(
                                    target.store,
                                    SnapshotNames.collectionScope(name),
                                    newest,
                                    name,
                                    scratch,
                                    null,
                                    64,
                                    seed);
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
                return allOk ? 0 : 1;
            } finally {
                io.sextant.collection.AtomicFiles.deleteTree(scratchRoot);
                target.close();
            }
        }
    }

    /** {@code backup restore}. */
    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = "Restore a backup into the storage directory (server stopped)")
    static final class Restore implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--backup", description = "backup name (default: the newest of the collection)")
        String backupName;

        @Option(names = "--as", description = "collection name to restore as (default: the backed-up name)")
        String as;

        @Option(names = "--storage", description = "storage directory (default: storage.storage_path)")
        Path storage;

        @Override
        public Integer call() throws Exception {
            Integer bad = target.open("restore");
            if (bad != null) {
                return bad;
            }
            try {
                if (target.collections.size() != 1) {
                    System.err.println("sextant backup restore: give exactly one --collection");
                    return 2;
                }
                String name = target.collections.getFirst();
                List<SnapshotDescription> list = target.backups(name);
                SnapshotDescription chosen = backupName == null
                        ? (list.isEmpty() ? null : list.getLast())
                        : list.stream()
                                .filter(d -> d.name().equals(backupName))
                                .findFirst()
                                .orElse(null);
                if (chosen == null) {
                    System.out.printf(
                            "FAIL %s: no backup %s in %s%n",
                            name, backupName == null ? "" : backupName, target.incremental.location());
                    return 1;
                }
                String into = as == null ? name : as;
                Path dir = storage != null ? storage : target.config.storage().storagePath();
                long start = System.nanoTime();
                try (TableOfContents toc = TableOfContents.open(dir, LocalShard::open)) {
                    SnapshotRestorer.Restored r = Target.isIncremental(chosen)
                            ? target.incremental.restore(toc, into, name, chosen.name())
                            : restoreArchive(toc, name, into, chosen);
                    System.out.printf(
                            "OK   %s: restored %s as %s (%d points) into %s in %d ms%n",
                            name,
                            chosen.name(),
                            into,
                            r.expectedPoints(),
                            dir,
                            (System.nanoTime() - start) / 1_000_000);
                    return 0;
                } catch (RuntimeException e) {
                    System.out.printf("FAIL %s: %s%n", name, e.getMessage());
                    return 1;
                }
            } finally {
                target.close();
            }
        }

        private SnapshotRestorer.Restored restoreArchive(
                TableOfContents toc, String name, String into, SnapshotDescription d) throws Exception {
            Path scratch = Files.createTempDirectory("sextant-restore");
            try {
                Path file = target.store.localCopy(
                        SnapshotNames.collectionScope(name), d.name(), scratch.resolve("download.snapshot"));
                SnapshotLocations.verifyChecksum(file, null, d.checksum());
                return SnapshotRestorer.restoreCollection(toc, into, file);
            } finally {
                io.sextant.collection.AtomicFiles.deleteTree(scratch);
            }
        }
    }
}
