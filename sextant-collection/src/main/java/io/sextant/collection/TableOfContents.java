package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.collection.config.VectorNameConfig;
import io.sextant.collection.config.VectorNameSchema;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All collections of a node and their aliases. Collections live under {@code
 * <storage>/collections/<name>/}; aliases in {@code <storage>/aliases.json} (see {@link
 * AliasStore}). An alias is accepted wherever a collection name is. On open, swaps interrupted by a
 * crash are finished or rolled back first ({@link DirectorySwap}, {@code <storage>/.swap/}), then
 * every collection with a {@code config.json} is reopened; directories without one (creation
 * interrupted) and leftovers of interrupted deletions ({@code <storage>/.deleted/}) are removed.
 *
 * <p><b>A collection that fails to open</b> (corrupt or missing files) does not stop the node: the
 * others are served, and the failed one is kept on disk untouched and reported ({@link
 * #failedCollections()}, {@link #failure}); looking it up ({@link #get}) fails with a service
 * error that says why and what to do, creating a collection of its name is a conflict, and it can
 * be deleted ({@link #delete}) or replaced by a restore ({@link #install}).
 *
 * <p><b>Restores</b> ({@link #install}, {@link #replaceShard}) move the prepared directory in
 * with {@link DirectorySwap}, so a crash at any point leaves the old or the new collection (or
 * shard) complete, never neither.
 *
 * <p>Thread-safe: lookups are lock-free; creating, deleting, patching collections and changing
 * aliases are serialized by one lock, and an alias batch is applied all-or-nothing.
 */
public final class TableOfContents implements AutoCloseable {
    static final String COLLECTIONS_DIR = "collections";
    static final String DELETED_DIR = ".deleted";
    private static final Logger LOG = LoggerFactory.getLogger(TableOfContents.class);

    private final Path storage;
    private final ShardFactory shardFactory;
    private StorageLock storageLock;
    private final Map<String, Collection> collections = new ConcurrentHashMap<>();
    private final Map<String, FailedCollection> failed = new ConcurrentHashMap<>();
    /** Called after each durable step of a swap; crash-injection tests throw from it. */
    volatile DirectorySwap.Hook swapHook = step -> {};

    private volatile Map<String, String> aliases;
    private volatile io.sextant.collection.quality.LiveRecall.Settings liveRecall =
            io.sextant.collection.quality.LiveRecall.Settings.DEFAULT;
    private final Object lock = new Object();
    private boolean closed;

    private TableOfContents(Path storage, ShardFactory shardFactory) {
        this.storage = storage;
        this.shardFactory = shardFactory;
    }

    /**
     * Opens (creating when missing) the storage directory and every collection in it, holding the
     * directory's {@link StorageLock} until {@link #close()}: a second process (or a second open in
     * this one) fails at once with a service error naming the directory.
     */
    public static TableOfContents open(Path storage, ShardFactory shardFactory) {
        TableOfContents toc = new TableOfContents(storage, shardFactory);
        toc.storageLock = StorageLock.acquire(storage); // before anything is read or repaired
        try {
            AtomicFiles.createDirectories(storage.resolve(COLLECTIONS_DIR));
            DirectorySwap.recoverAll(storage);
            AtomicFiles.deleteTree(storage.resolve(DELETED_DIR));
            List<Path> dirs;
            try (Stream<Path> s = Files.list(storage.resolve(COLLECTIONS_DIR))) {
                dirs = s.filter(Files::isDirectory).sorted().toList();
            }
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!CollectionConfigFile.exists(dir)) {
                    AtomicFiles.deleteTree(dir); // creation never completed
                    continue;
                }
                toc.openOrRecordFailure(name, dir, null);
            }
        } catch (IOException e) {
            toc.close();
            throw new ServiceException("Failed to open storage " + storage + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            toc.close();
            throw e;
        }
        Map<String, String> loaded = new HashMap<>(AliasStore.read(storage));
        loaded.values().removeIf(c -> !toc.collections.containsKey(c) && !toc.failed.containsKey(c));
        toc.aliases = Map.copyOf(loaded);
        return toc;
    }

    /** Live-recall sampling settings for every collection, now and later. */
    public void liveRecallSettings(io.sextant.collection.quality.LiveRecall.Settings s) {
        liveRecall = s;
        io.sextant.collection.quality.SamplingBudget.PROCESS.share(s.cpuBudget());
        collections.values().forEach(c -> c.liveRecall().settings(s));
    }

    public io.sextant.collection.quality.LiveRecall.Settings liveRecallSettings() {
        return liveRecall;
    }

    private Collection adopt(Collection c) {
        c.liveRecall().settings(liveRecall);
        return c;
    }

    /**
     * Opens a collection into the table; when it fails, records it as failed (logged, reported)
     * instead and adds the error to {@code cause} when given.
     */
    private void openOrRecordFailure(String name, Path dir, RuntimeException cause) {
        try {
            collections.put(name, adopt(Collection.open(name, dir, shardFactory, this::get)));
            failed.remove(name);
        } catch (RuntimeException e) {
            CollectionConfig config = null;
            try {
                config = CollectionConfigFile.read(dir);
            } catch (RuntimeException unreadable) {
                // reported through the error below
            }
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            failed.put(name, new FailedCollection(name, dir, error, config));
            LOG.atError()
                    .setCause(e)
                    .addKeyValue("collection", name)
                    .log("Collection {} failed to load and is not served (status red): {}", name, error);
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    /** The storage directory. */
    public Path storagePath() {
        return storage;
    }

    /**
     * Creates a collection.
     *
     * @throws UserException bad request for an invalid name, conflict when the name is taken by a
     *     collection or an alias
     */
    public Collection create(String name, CollectionConfig config) {
        NameValidator.validate("Collection", name);
        synchronized (lock) {
            ensureOpen();
            if (collections.containsKey(name)) {
                throw UserException.conflict("Wrong input: Collection `" + name + "` already exists!");
            }
            if (failed.containsKey(name)) {
                throw UserException.conflict("Wrong input: Collection `" + name
                        + "` already exists! (it failed to load; delete it or recover it from a snapshot)");
            }
            if (aliases.containsKey(name)) {
                throw UserException.conflict("Wrong input: Alias with name `" + name + "` already exists!");
            }
            Path dir = collectionsDir().resolve(name);
            AtomicFiles.deleteTree(dir); // leftovers of an interrupted creation
            Collection c;
            try {
                c = Collection.create(name, dir, config, shardFactory, this::get);
            } catch (RuntimeException e) {
                AtomicFiles.deleteTree(dir);
                throw e;
            }
            AtomicFiles.fsyncDir(collectionsDir());
            collections.put(name, adopt(c));
            return c;
        }
    }

    /**
     * Deletes a collection (by name or alias) with its data and the aliases pointing at it; also
     * one that failed to load.
     *
     * @return false when there was no such collection
     */
    public boolean delete(String nameOrAlias) {
        synchronized (lock) {
            ensureOpen();
            String name = aliases.getOrDefault(nameOrAlias, nameOrAlias);
            Collection c = collections.remove(name);
            FailedCollection f = c == null ? failed.remove(name) : null;
            if (c == null && f == null) {
                return false;
            }
            Path dir = c != null ? c.dir() : f.dir();
            Map<String, String> next = new HashMap<>(aliases);
            if (next.values().removeIf(name::equals)) {
                AliasStore.write(storage, next);
                aliases = Map.copyOf(next);
            }
            try {
                if (c != null) {
                    c.close();
                }
            } finally {
                Path trash = storage.resolve(DELETED_DIR).resolve(name + "-" + System.nanoTime());
                try {
                    Files.createDirectories(trash.getParent());
                    Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.fsyncDir(collectionsDir());
                    AtomicFiles.deleteTree(trash);
                } catch (IOException e) {
                    throw new ServiceException(
                            "Failed to delete collection directory " + dir + ": " + e.getMessage(), e);
                }
            }
            return true;
        }
    }

    /** Names of all collections that are served (not those that failed to load), sorted. */
    public List<String> list() {
        List<String> names = new ArrayList<>(collections.keySet());
        names.sort(null);
        return names;
    }

    /**
     * The collection with this name or alias.
     *
     * @throws UserException (not found) {@code Collection `x` doesn't exist!}
     * @throws ServiceException when the collection failed to load (it serves no requests)
     */
    public Collection get(String nameOrAlias) {
        Collection c = find(nameOrAlias);
        if (c == null) {
            FailedCollection f = failure(nameOrAlias);
            if (f != null) {
                throw new ServiceException("Collection `" + f.name() + "` failed to load and serves no requests: "
                        + f.error() + ". Delete it (DELETE /collections/" + f.name()
                        + ") or recover it from a snapshot");
            }
            throw UserException.notFound("Not found: Collection `" + nameOrAlias + "` doesn't exist!");
        }
        return c;
    }

    /** The failed collection with this name or alias, or null (it loaded, or does not exist). */
    public FailedCollection failure(String nameOrAlias) {
        if (nameOrAlias == null) {
            return null;
        }
        FailedCollection f = failed.get(nameOrAlias);
        if (f != null) {
            return f;
        }
        String target = aliases == null ? null : aliases.get(nameOrAlias);
        return target == null ? null : failed.get(target);
    }

    /** Collections that failed to load, sorted by name. */
    public List<FailedCollection> failedCollections() {
        return failed.values().stream()
                .sorted(java.util.Comparator.comparing(FailedCollection::name))
                .toList();
    }

    /** Whether a served collection with this name or alias exists (see {@link #failure}). */
    public boolean exists(String nameOrAlias) {
        return find(nameOrAlias) != null;
    }

    private Collection find(String nameOrAlias) {
        if (nameOrAlias == null) {
            return null;
        }
        Collection c = collections.get(nameOrAlias);
        if (c != null) {
            return c;
        }
        String target = aliases == null ? null : aliases.get(nameOrAlias);
        return target == null ? null : collections.get(target);
    }

    /**
     * Applies a config patch to a collection (name or alias) and persists it.
     *
     * @return the new config
     */
    public CollectionConfig update(String nameOrAlias, CollectionConfigPatch patch) {
        synchronized (lock) {
            ensureOpen();
            return get(nameOrAlias).applyPatch(patch);
        }
    }

    /**
     * Creates the vector {@code vector} (dense or sparse) on a live collection; points lack it until
     * written.
     *
     * @throws UserException not found for an unknown collection, bad request for a bad name or a
     *     vector that exists with another schema
     */
    public CollectionUpdateResult createVector(String nameOrAlias, String vector, VectorNameConfig config) {
        synchronized (lock) {
            ensureOpen();
            return get(nameOrAlias).changeVectors(c -> config.addTo(c, vector));
        }
    }

    /** Drops the vector {@code vector} (dense or sparse) from a collection and every point; absent = no-op. */
    public CollectionUpdateResult deleteVector(String nameOrAlias, String vector) {
        synchronized (lock) {
            ensureOpen();
            return get(nameOrAlias).changeVectors(c -> VectorNameSchema.without(c, vector));
        }
    }

    /**
     * Adds shard key {@code key} with {@code shardCount} shards to a custom-sharded collection (see
     * {@link Collection#createShardKey}).
     *
     * @throws UserException not found for an unknown collection, bad request on an auto-sharded
     *     collection or for an existing key
     */
    public void createShardKey(String nameOrAlias, ShardKey key, int shardCount) {
        synchronized (lock) {
            ensureOpen();
            get(nameOrAlias).createShardKey(key, shardCount, shardFactory);
        }
    }

    /**
     * Drops shard key {@code key} and its shards (see {@link Collection#dropShardKey}).
     *
     * @throws UserException not found for an unknown collection, bad request on an auto-sharded
     *     collection or for an unknown key
     */
    public void dropShardKey(String nameOrAlias, ShardKey key) {
        synchronized (lock) {
            ensureOpen();
            get(nameOrAlias).dropShardKey(key);
        }
    }

    /**
     * Applies alias actions in order, all or nothing: if any action fails, nothing changes.
     *
     * @throws UserException not found for a missing collection or alias, conflict when an alias
     *     would shadow a collection, bad request for an invalid name
     */
    public void updateAliases(List<AliasOperation> operations) {
        synchronized (lock) {
            ensureOpen();
            Map<String, String> next = new HashMap<>(aliases);
            for (AliasOperation op : operations) {
                switch (op) {
                    case AliasOperation.Create c -> {
                        NameValidator.validate("Alias", c.alias());
                        if (!collections.containsKey(c.collection()) && !failed.containsKey(c.collection())) {
                            throw UserException.notFound(
                                    "Not found: Collection `" + c.collection() + "` doesn't exist!");
                        }
                        checkNotCollection(c.alias());
                        next.put(c.alias(), c.collection());
                    }
                    case AliasOperation.Delete d -> {
                        if (next.remove(d.alias()) == null) {
                            throw UserException.notFound("Not found: Alias `" + d.alias() + "` doesn't exist!");
                        }
                    }
                    case AliasOperation.Rename r -> {
                        NameValidator.validate("Alias", r.newAlias());
                        String target = next.remove(r.oldAlias());
                        if (target == null) {
                            throw UserException.notFound("Not found: Alias `" + r.oldAlias() + "` doesn't exist!");
                        }
                        checkNotCollection(r.newAlias());
                        next.put(r.newAlias(), target);
                    }
                }
            }
            AliasStore.write(storage, next);
            aliases = Map.copyOf(next);
        }
    }

    private void checkNotCollection(String alias) {
        if (collections.containsKey(alias) || failed.containsKey(alias)) {
            throw UserException.conflict("Wrong input: Collection with name `" + alias + "` already exists!");
        }
    }

    /** Every alias, sorted by alias name. */
    public List<AliasDescription> aliases() {
        return aliases.entrySet().stream()
                .map(e -> new AliasDescription(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparing(AliasDescription::alias))
                .toList();
    }

    /**
     * The aliases of one collection (name or alias), sorted.
     *
     * @throws UserException (not found) when there is no such collection
     */
    public List<AliasDescription> aliasesOf(String nameOrAlias) {
        String name = get(nameOrAlias).name();
        return aliases().stream().filter(a -> a.collection().equals(name)).toList();
    }

    /**
     * A fresh, not yet existing work directory on the storage file system (so that it can be
     * renamed into place), for preparing a restored collection. Work directories live under {@code
     * .deleted/} and are removed at the next open if left behind by a crash.
     */
    public Path newWorkDir(String purpose) {
        return storage.resolve(DELETED_DIR).resolve(purpose + "-" + System.nanoTime());
    }

    /**
     * Installs a collection prepared in {@code preparedDir} (a fsynced {@code config.json} and its
     * shard directories, normally from {@link #newWorkDir}) under {@code name}, replacing an
     * existing collection of that name, also one that failed to load. The directories are swapped
     * crash-atomically ({@link DirectorySwap}) and the new one opened; if opening fails the old
     * collection is put back and reopened, and the error is rethrown. Aliases pointing at {@code
     * name} keep pointing at it.
     *
     * @throws UserException bad request for an invalid name, conflict when {@code name} is an alias
     */
    public Collection install(String name, Path preparedDir) {
        NameValidator.validate("Collection", name);
        synchronized (lock) {
            ensureOpen();
            if (aliases.containsKey(name)) {
                throw UserException.conflict("Wrong input: Alias with name `" + name + "` already exists!");
            }
            Path dir = collectionsDir().resolve(name);
            Collection old = collections.remove(name);
            FailedCollection oldFailure = failed.remove(name);
            if (old != null) {
                old.close();
            }
            return swapAndOpen(name, dir, dir, preparedDir, e -> putBack(name, dir, old != null, oldFailure, e));
        }
    }

    /**
     * Replaces shard {@code shardId} of a collection with the fsynced shard directory prepared in
     * {@code preparedShardDir}: the collection is closed (flushing every shard), the shard
     * directories swapped crash-atomically ({@link DirectorySwap}) and the collection reopened; if
     * reopening fails the old shard is put back. Requests racing the swap may fail on the closed
     * collection.
     *
     * @throws UserException not found for a missing collection or shard id
     */
    public Collection replaceShard(String nameOrAlias, int shardId, Path preparedShardDir) {
        synchronized (lock) {
            ensureOpen();
            Collection c = get(nameOrAlias);
            if (c.shard(shardId) == null) {
                throw UserException.notFound(
                        "Not found: Shard " + shardId + " of collection `" + c.name() + "` doesn't exist!");
            }
            Path shardDir = c.dir().resolve(Collection.SHARDS_DIR).resolve(Integer.toString(shardId));
            collections.remove(c.name());
            c.close();
            return swapAndOpen(
                    c.name(), c.dir(), shardDir, preparedShardDir, e -> openOrRecordFailure(c.name(), c.dir(), e));
        }
    }

    /**
     * Swaps {@code prepared} in at {@code target} and opens collection {@code name} from {@code
     * dir}; on failure the swap is undone and {@code putBack} restores the previous state.
     */
    private Collection swapAndOpen(
            String name, Path dir, Path target, Path prepared, java.util.function.Consumer<RuntimeException> putBack) {
        DirectorySwap swap;
        try {
            swap = DirectorySwap.begin(storage, target, prepared, swapHook);
        } catch (RuntimeException e) {
            putBack.accept(e);
            throw e;
        }
        Collection c;
        try {
            c = Collection.open(name, dir, shardFactory, this::get);
        } catch (RuntimeException e) {
            try {
                swap.abort();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            putBack.accept(e);
            throw e;
        }
        collections.put(name, adopt(c));
        commit(swap);
        return c;
    }

    /** After a failed install: the old collection (or its failure record) comes back. */
    private void putBack(String name, Path dir, boolean hadOld, FailedCollection oldFailure, RuntimeException cause) {
        if (hadOld && Files.exists(dir)) {
            openOrRecordFailure(name, dir, cause);
        } else if (oldFailure != null) {
            failed.put(name, oldFailure);
        }
    }

    /** The new directory is in place and durable; a failure to clean up is finished at the next open. */
    private static void commit(DirectorySwap swap) {
        try {
            swap.commit();
        } catch (RuntimeException e) {
            LOG.warn("Failed to remove the replaced directory after a swap; it is removed at the next start", e);
        }
    }

    private Path collectionsDir() {
        return storage.resolve(COLLECTIONS_DIR);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ServiceException("Table of contents is closed");
        }
    }

    /** Flushes and closes every collection. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException first = null;
            for (Collection c : collections.values()) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            collections.clear();
            failed.clear();
            if (storageLock != null) {
                storageLock.close(); // after every collection flushed and closed its files
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
