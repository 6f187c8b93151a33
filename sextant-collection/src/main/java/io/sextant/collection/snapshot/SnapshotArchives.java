package io.sextant.collection.snapshot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AliasDescription;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.shard.LocalShard;
import io.sextant.shard.Shard;
import io.sextant.shard.snapshot.ShardFileCapture;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedFile;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import io.sextant.shard.snapshot.SnapshotManifest;
import io.sextant.shard.snapshot.SnapshotTarWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes collection, shard and full snapshot archives. Archive layouts (POSIX tar, entries in this
 * order; {@link SnapshotManifest} says which kind):
 *
 * <pre>
 * collection:  snapshot.json {collection, shards:[{id, checkpoint, points}], entries}
 *              config.json                     the collection's config file
 *              shard_keys.json                 custom sharding only: its ShardKeyTable file
 *              shards/&lt;i&gt;/manifest.bin, shards/&lt;i&gt;/segments/...   each shard's files
 * shard:       snapshot.json {collection, shard_id, checkpoint, points, entries}
 *              config.json
 *              shard/manifest.bin, shard/segments/...
 * full:        snapshot.json {collections:[names], aliases:{alias: collection}, entries}
 *              collections/&lt;name&gt;.snapshot     one collection archive each
 * </pre>
 *
 * {@code entries} counts the entries after {@code snapshot.json}, so a reader notices an archive
 * cut at an entry boundary. Stateless and thread-safe.
 */
public final class SnapshotArchives {
    public static final String CONFIG = CollectionConfigFile.FILE_NAME;
    public static final String SHARDS = "shards";
    static final String SHARD = "shard";
    static final String COLLECTIONS = "collections";

    private SnapshotArchives() {}

    /** What was written: checksum and the manifest. */
    record Written(String sha256, SnapshotManifest manifest, long payloadBytes) {}

    static Written writeCollection(Collection c, Path work, Path out, Clock clock) {
        List<Integer> ids = c.shardIds();
        List<Shard> shards = c.shards();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            dirs.add(work.resolve(SHARDS).resolve(Integer.toString(ids.get(i))));
        }
        byte[] config = readConfig(c);
        byte[] keys = c.customSharding() ? readFile(c, io.sextant.collection.ShardKeyTable.FILE_NAME) : null;
        List<CapturedShard> captured = capture(shards, dirs);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("collection", c.name());
        body.put("created", clock.instant().toString());
        ArrayNode arr = body.putArray("shards");
        int entries = 1;
        for (int i = 0; i < captured.size(); i++) {
            CapturedShard s = captured.get(i);
            arr.addObject()
                    .put("id", ids.get(i))
                    .put("checkpoint", s.checkpoint())
                    .put("points", s.pointCount());
            entries += s.files().size();
        }
        if (keys != null) {
            entries++;
        }
        body.put("entries", entries);
        SnapshotManifest manifest = new SnapshotManifest(SnapshotManifest.KIND_COLLECTION, body);
        try (SnapshotTarWriter w = SnapshotTarWriter.create(out)) {
            w.addBytes(SnapshotManifest.ENTRY_NAME, manifest.toBytes());
            w.addBytes(CONFIG, config);
            if (keys != null) {
                w.addBytes(io.sextant.collection.ShardKeyTable.FILE_NAME, keys);
            }
            for (int i = 0; i < captured.size(); i++) {
                for (CapturedFile f : captured.get(i).files()) {
                    w.addFile(SHARDS + "/" + ids.get(i) + "/" + f.relativePath(), f.staged(), f.length());
                }
            }
            long bytes = w.payloadBytes();
            return new Written(w.finish(), manifest, bytes);
        }
    }

    static Written writeShard(Collection c, int shardId, Path work, Path out, Clock clock) {
        List<Shard> shards = c.shards();
        int index = c.shardIds().indexOf(shardId);
        if (index < 0) {
            throw UserException.notFound(
                    "Not found: Shard " + shardId + " of collection `" + c.name() + "` doesn't exist!");
        }
        byte[] config = readConfig(c);
        CapturedShard s = shards.get(index).captureFiles(work.resolve(SHARD));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("collection", c.name());
        body.put("shard_id", shardId);
        body.put("created", clock.instant().toString());
        body.put("checkpoint", s.checkpoint());
        body.put("points", s.pointCount());
        body.put("entries", 1 + s.files().size());
        SnapshotManifest manifest = new SnapshotManifest(SnapshotManifest.KIND_SHARD, body);
        try (SnapshotTarWriter w = SnapshotTarWriter.create(out)) {
            w.addBytes(SnapshotManifest.ENTRY_NAME, manifest.toBytes());
            w.addBytes(CONFIG, config);
            for (CapturedFile f : s.files()) {
                w.addFile(SHARD + "/" + f.relativePath(), f.staged(), f.length());
            }
            long bytes = w.payloadBytes();
            return new Written(w.finish(), manifest, bytes);
        }
    }

    /** Each collection is captured at its own instant (as in Qdrant); aliases as of the start. */
    static Written writeFull(TableOfContents toc, Path work, Path out, Clock clock) {
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String name : toc.list()) {
            Collection c;
            try {
                c = toc.get(name);
            } catch (UserException gone) {
                continue; // deleted meanwhile
            }
            Path f = work.resolve(COLLECTIONS).resolve(name + SnapshotNames.SUFFIX);
            writeCollection(c, work.resolve("capture-" + name), f, clock);
            names.add(name);
            files.add(f);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("created", clock.instant().toString());
        names.forEach(body.putArray("collections")::add);
        ObjectNode aliases = body.putObject("aliases");
        for (AliasDescription a : toc.aliases()) {
            if (names.contains(a.collection())) {
                aliases.put(a.alias(), a.collection());
            }
        }
        body.put("entries", names.size());
        SnapshotManifest manifest = new SnapshotManifest(SnapshotManifest.KIND_FULL, body);
        try (SnapshotTarWriter w = SnapshotTarWriter.create(out)) {
            w.addBytes(SnapshotManifest.ENTRY_NAME, manifest.toBytes());
            for (int i = 0; i < names.size(); i++) {
                Path f = files.get(i);
                w.addFile(COLLECTIONS + "/" + names.get(i) + SnapshotNames.SUFFIX, f, size(f));
            }
            long bytes = w.payloadBytes();
            return new Written(w.finish(), manifest, bytes);
        }
    }

    /**
     * Captures every shard: local shards all at one instant ({@link ShardFileCapture#captureAll});
     * when some are not local (replica sets of a cluster, whose data may be on other peers), each
     * shard at its own instant through {@link Shard#captureFiles}.
     */
    public static List<CapturedShard> capture(List<Shard> shards, List<Path> dirs) {
        List<LocalShard> local = new ArrayList<>();
        for (Shard s : shards) {
            if (s instanceof LocalShard l) {
                local.add(l);
            }
        }
        if (local.size() == shards.size()) {
            return ShardFileCapture.captureAll(local, dirs);
        }
        List<CapturedShard> out = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            out.add(shards.get(i).captureFiles(dirs.get(i)));
        }
        return out;
    }

    private static byte[] readConfig(Collection c) {
        return readFile(c, CONFIG);
    }

    /** A file of the collection's directory ({@code config.json}, {@code shard_keys.json}). */
    public static byte[] readFile(Collection c, String file) {
        try {
            return Files.readAllBytes(c.dir().resolve(file));
        } catch (IOException e) {
            throw new ServiceException(
                    "Failed to read " + file + " of collection " + c.name() + ": " + e.getMessage(), e);
        }
    }

    static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new ServiceException("Failed to read " + f + ": " + e.getMessage(), e);
        }
    }
}
