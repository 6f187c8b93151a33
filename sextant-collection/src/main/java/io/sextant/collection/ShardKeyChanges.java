package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.Shard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens a collection's shards and changes its {@link ShardLayout} as shard keys come and go: each
 * method persists the {@link ShardKeyTable} and returns the layout to serve next. The caller (the
 * collection) serializes calls and publishes the returned layout. Stateless.
 */
final class ShardKeyChanges {
    private ShardKeyChanges() {}

    /** Opens shards {@code 0..shard_number-1} (auto sharding, {@code keys} null) or those of every key. */
    static ShardLayout openAll(
            String collection, Path dir, CollectionConfig config, ShardKeyTable keys, ShardFactory factory) {
        List<Integer> ids = new ArrayList<>();
        if (keys == null) {
            for (int i = 0; i < config.params().shardNumber(); i++) {
                ids.add(i);
            }
        } else {
            keys.keys().values().forEach(ids::addAll);
        }
        return new ShardLayout(open(collection, dir, config, ids, factory), keys);
    }

    private static Map<Integer, Shard> open(
            String collection, Path dir, CollectionConfig config, List<Integer> ids, ShardFactory factory) {
        Map<Integer, Shard> shards = new LinkedHashMap<>();
        try {
            for (int i : ids) {
                shards.put(i, factory.open(collection, i, shardDir(dir, i), config.toShardConfig()));
            }
        } catch (RuntimeException e) {
            shards.values().forEach(Shard::close);
            throw e;
        }
        return shards;
    }

    private static Path shardDir(Path dir, int shardId) {
        return dir.resolve(Collection.SHARDS_DIR).resolve(Integer.toString(shardId));
    }

    /**
     * Deletes a removed shard's directory and the files kept beside it under its id ({@code
     * <id>.<suffix>}, e.g. a cluster replica's retained write history, {@code <id>.retained}).
     */
    private static void deleteShardFiles(Path dir, int shardId) {
        Path shard = shardDir(dir, shardId);
        AtomicFiles.deleteTree(shard);
        String prefix = shardId + ".";
        try (java.util.stream.Stream<Path> siblings = java.nio.file.Files.list(shard.getParent())) {
            for (Path p : siblings.toList()) {
                if (p.getFileName().toString().startsWith(prefix)) {
                    AtomicFiles.deleteTree(p);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no shards directory: nothing beside it either
        } catch (java.io.IOException e) {
            throw new io.sextant.segment.error.ServiceException(
                    "Failed to list " + shard.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code current} with key {@code key} and {@code shardCount} new shards (ids from the table's
     * next free id), each given the payload indexes the table keeps; the key
     * table is persisted once the shards exist (a crash before that leaves directories that the next
     * create of those ids replaces).
     *
     * @throws UserException bad request on an auto-sharded collection or for an existing key
     */
    static ShardLayout add(
            ShardLayout current,
            ShardKey key,
            int shardCount,
            String collection,
            Path dir,
            CollectionConfig config,
            ShardFactory factory) {
        if (!current.custom()) {
            throw UserException.badRequest(
                    "Bad request: Shard Key " + key + " cannot be created with Auto sharding method");
        }
        if (current.keys().shardsOf(key) != null) {
            throw UserException.badRequest("Bad request: Shard key " + key + " already exists");
        }
        if (shardCount < 1) {
            throw io.sextant.segment.error.RangeViolation.atLeast("shards_number", shardCount, 1);
        }
        ShardKeyTable next = current.keys().with(key, shardCount);
        List<Integer> ids = next.shardsOf(key);
        Map<String, PayloadIndexSpec> schema = current.keys().payloadSchema();
        for (int id : ids) {
            AtomicFiles.deleteTree(shardDir(dir, id)); // leftovers of a creation a crash interrupted
        }
        Map<Integer, Shard> added = open(collection, dir, config, ids, factory);
        try {
            for (Shard s : added.values()) {
                if (s.holdsLocalData()) {
                    schema.forEach((field, spec) -> s.update(new PointOperation.CreateFieldIndex(field, spec), true));
                }
            }
            next.write(dir);
        } catch (RuntimeException e) {
            added.values().forEach(Shard::close);
            throw e;
        }
        Map<Integer, Shard> all = new LinkedHashMap<>(current.byId());
        all.putAll(added);
        return new ShardLayout(all, next);
    }

    /** {@code current} with a payload index change recorded in its (persisted) key table. */
    static ShardLayout recordIndex(ShardLayout current, PointOperation op, Path dir) {
        ShardKeyTable next =
                switch (op) {
                    case PointOperation.CreateFieldIndex c -> current.keys().withIndex(c.field(), c.spec());
                    case PointOperation.DeleteFieldIndex d -> current.keys().withIndex(d.field(), null);
                    default -> throw new IllegalArgumentException("not an index operation: " + op);
                };
        next.write(dir);
        return new ShardLayout(current.byId(), next);
    }

    /**
     * {@code current} without key {@code key} (the key table persisted without it); its shards are
     * still open (see {@link #closeRemoved}).
     *
     * @throws UserException bad request on an auto-sharded collection or for an unknown key
     */
    static ShardLayout drop(ShardLayout current, ShardKey key, String collection, Path dir) {
        if (!current.custom()) {
            throw UserException.badRequest(
                    "Bad request: shard key " + key + " cannot be removed with Auto sharding method");
        }
        List<Integer> ids = current.keys().shardsOf(key);
        if (ids == null) {
            throw UserException.badRequest(
                    "Bad request: Shard key " + key + " does not exist for collection " + collection);
        }
        ShardKeyTable next = current.keys().without(key);
        next.write(dir);
        Map<Integer, Shard> all = new LinkedHashMap<>(current.byId());
        ids.forEach(all::remove);
        return new ShardLayout(all, next);
    }

    /** Closes the shards of {@code before} that {@code after} no longer has and deletes their files. */
    static void closeRemoved(ShardLayout before, ShardLayout after, Path dir) {
        for (Map.Entry<Integer, Shard> e : before.byId().entrySet()) {
            if (after.shard(e.getKey()) == null) {
                try {
                    e.getValue().close();
                } finally {
                    deleteShardFiles(dir, e.getKey());
                }
            }
        }
    }
}
