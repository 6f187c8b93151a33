package io.sextant.collection.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AliasOperation;
import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.shard.snapshot.SnapshotManifest;
import io.sextant.shard.snapshot.SnapshotTarReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Restores snapshot archives (see {@link SnapshotArchives}) into a {@link TableOfContents}. The
 * archive is validated (format, version, kind, every entry header, expanded size within {@link
 * SnapshotLimits#maxRestoreBytes}) before anything is written, then extracted durably (every file
 * and directory fsynced, {@link SnapshotTarReader}) into a work directory on the storage file
 * system and checked (entry count, config, shards) before the live collection is touched; only
 * then is it swapped in crash-atomically ({@link TableOfContents#install}, {@link
 * TableOfContents#replaceShard}). Any failure leaves the existing collection as it was and removes
 * the work directory. Restored segments carry their index files, so nothing is rebuilt. Stateless
 * and thread-safe.
 */
public final class SnapshotRestorer {
    private SnapshotRestorer() {}

    /** What a restore installed. */
    public record Restored(String collection, SnapshotManifest manifest, long expectedPoints) {}

    /** Restores a collection archive as collection {@code name} (replacing one of that name). */
    public static Restored restoreCollection(TableOfContents toc, String name, Path archive) {
        return restoreCollection(toc, name, archive, SnapshotLimits.DEFAULTS);
    }

    /** {@link #restoreCollection(TableOfContents, String, Path)} within {@code limits}. */
    public static Restored restoreCollection(TableOfContents toc, String name, Path archive, SnapshotLimits limits) {
        try (Extracted x = extractCollection(toc, name, archive, limits)) {
            toc.install(name, x.dir());
            return new Restored(name, x.manifest(), x.points());
        }
    }

    /**
     * An archive extracted and checked in a work directory of the storage file system ({@link
     * TableOfContents#newWorkDir}), not installed yet; {@link #close} deletes what is left of it.
     *
     * @param dir the work directory
     * @param manifest the archive's manifest
     * @param config the collection config the archive holds
     * @param points the point count the manifest gives
     */
    public record Extracted(Path dir, SnapshotManifest manifest, CollectionConfig config, long points)
            implements AutoCloseable {
        /**
         * The extracted files of shard {@code shardId}: {@code shards/<id>} of a collection
         * archive; the one shard of a shard archive whatever the id.
         */
        public Path shardDir(int shardId) {
            return manifest.kind().equals(SnapshotManifest.KIND_SHARD)
                    ? dir.resolve(SnapshotArchives.SHARD)
                    : dir.resolve(SnapshotArchives.SHARDS).resolve(Integer.toString(shardId));
        }

        @Override
        public void close() {
            AtomicFiles.deleteTree(dir);
        }
    }

    /**
     * Extracts and checks a collection archive (every shard its config names is present) into a
     * new work directory; nothing live is touched.
     */
    public static Extracted extractCollection(TableOfContents toc, String name, Path archive, SnapshotLimits limits) {
        Path work = toc.newWorkDir("restore-" + name);
        try {
            SnapshotManifest m =
                    SnapshotTarReader.extract(archive, work, SnapshotManifest.KIND_COLLECTION, limits.extraction());
            CollectionConfig config = checkExtracted(work, m, archive);
            checkShards(work, config, archive.getFileName().toString());
            long points = 0;
            for (JsonNode s : m.body().path("shards")) {
                points += s.path("points").asLong();
            }
            return new Extracted(work, m, config, points);
        } catch (RuntimeException e) {
            AtomicFiles.deleteTree(work);
            throw e;
        }
    }

    /**
     * Extracts and checks a shard archive for collection {@code c} (its vectors must be the
     * collection's) into a new work directory; nothing live is touched.
     */
    public static Extracted extractShard(TableOfContents toc, Collection c, Path archive, SnapshotLimits limits) {
        Path work = toc.newWorkDir("restore-shard-" + c.name());
        try {
            SnapshotManifest m =
                    SnapshotTarReader.extract(archive, work, SnapshotManifest.KIND_SHARD, limits.extraction());
            CollectionConfig snapConfig = checkExtracted(work, m, archive);
            if (!snapConfig
                    .toShardConfig()
                    .vectors()
                    .equals(c.config().toShardConfig().vectors())) {
                throw UserException.badRequest("Wrong input: shard snapshot " + archive.getFileName()
                        + " has vectors " + snapConfig.toShardConfig().vectors().keySet()
                        + " incompatible with collection `" + c.name() + "`");
            }
            if (!Files.isRegularFile(work.resolve(SnapshotArchives.SHARD).resolve("manifest.bin"))) {
                throw UserException.badRequest(
                        "Wrong input: shard snapshot " + archive.getFileName() + " has no shard");
            }
            return new Extracted(work, m, snapConfig, m.body().path("points").asLong());
        } catch (RuntimeException e) {
            AtomicFiles.deleteTree(work);
            throw e;
        }
    }

    /**
     * Checks that a prepared collection directory holds every shard its config names (a {@code
     * manifest.bin} each).
     *
     * @param source names the snapshot or backup in the error
     * @throws UserException (bad request) naming the first missing shard
     */
    public static void checkShards(Path work, CollectionConfig config, String source) {
        List<Integer> ids = new ArrayList<>();
        if (config.params().customSharding()) {
            io.sextant.collection.ShardKeyTable.read(work).keys().values().forEach(ids::addAll);
        } else {
            for (int i = 0; i < config.params().shardNumber(); i++) {
                ids.add(i);
            }
        }
        for (int i : ids) {
            if (!Files.isRegularFile(work.resolve(SnapshotArchives.SHARDS).resolve(i + "/manifest.bin"))) {
                throw UserException.badRequest(
                        "Wrong input: snapshot " + source + " lacks shard " + i + " of " + ids.size());
            }
        }
    }

    /** Restores a shard archive into shard {@code shardId} of an existing collection. */
    public static Restored restoreShard(TableOfContents toc, String nameOrAlias, int shardId, Path archive) {
        return restoreShard(toc, nameOrAlias, shardId, archive, SnapshotLimits.DEFAULTS);
    }

    /** {@link #restoreShard(TableOfContents, String, int, Path)} within {@code limits}. */
    public static Restored restoreShard(
            TableOfContents toc, String nameOrAlias, int shardId, Path archive, SnapshotLimits limits) {
        Collection c = toc.get(nameOrAlias);
        if (c.shard(shardId) == null) {
            throw UserException.notFound(
                    "Not found: Shard " + shardId + " of collection `" + c.name() + "` doesn't exist!");
        }
        try (Extracted x = extractShard(toc, c, archive, limits)) {
            toc.replaceShard(c.name(), shardId, x.shardDir(shardId));
            return new Restored(c.name(), x.manifest(), x.points());
        }
    }

    /**
     * Restores every collection of a full archive (replacing same-named ones) and its aliases.
     *
     * @return the restored collections
     */
    public static List<Restored> restoreFull(TableOfContents toc, Path archive) {
        return restoreFull(toc, archive, SnapshotLimits.DEFAULTS);
    }

    /** {@link #restoreFull(TableOfContents, Path)} within {@code limits} (each collection too). */
    public static List<Restored> restoreFull(TableOfContents toc, Path archive, SnapshotLimits limits) {
        Path work = toc.newWorkDir("restore-full");
        try {
            SnapshotManifest m =
                    SnapshotTarReader.extract(archive, work, SnapshotManifest.KIND_FULL, limits.extraction());
            ObjectNode body = m.body();
            List<Restored> out = new ArrayList<>();
            for (JsonNode n : body.path("collections")) {
                Path f = work.resolve(SnapshotArchives.COLLECTIONS).resolve(n.asText() + SnapshotNames.SUFFIX);
                if (!Files.isRegularFile(f)) {
                    throw UserException.badRequest(
                            "Wrong input: full snapshot " + archive.getFileName() + " lacks collection " + n.asText());
                }
                out.add(restoreCollection(toc, n.asText(), f, limits));
            }
            List<AliasOperation> ops = new ArrayList<>();
            body.path("aliases").properties().forEach(e -> {
                if (toc.exists(e.getKey()) && !toc.list().contains(e.getKey())) {
                    ops.add(new AliasOperation.Delete(e.getKey()));
                }
                ops.add(new AliasOperation.Create(e.getValue().asText(), e.getKey()));
            });
            if (!ops.isEmpty()) {
                toc.updateAliases(ops);
            }
            return out;
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static CollectionConfig checkExtracted(Path work, SnapshotManifest m, Path archive) {
        long expected = m.body().path("entries").asLong(-1);
        long actual = countFiles(work);
        if (expected >= 0 && actual != expected) {
            throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName() + " is truncated: " + actual
                    + " of " + expected + " entries present");
        }
        try {
            return CollectionConfigFile.read(work);
        } catch (ServiceException e) {
            throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                    + " has no valid collection config: " + e.getMessage());
        }
    }

    private static long countFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new ServiceException("Failed to list " + dir + ": " + e.getMessage(), e);
        }
    }
}
