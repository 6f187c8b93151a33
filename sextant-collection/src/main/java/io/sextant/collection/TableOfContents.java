package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.collection.config.CollectionConfigPatch;
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

/**
 * All collections of a node and their aliases. Collections live under {@code
 * <storage>/collections/<name>/}; aliases in {@code <storage>/aliases.json} (see {@link
 * AliasStore}). An alias is accepted wherever a collection name is. On open, every collection
 * with a {@code config.json} is reopened; directories without one (creation interrupted) and
 * leftovers of interrupted deletions ({@code <storage>/.deleted/}) are removed.
 *
 * <p>Thread-safe: lookups are lock-free; creating, deleting, patching collections and changing
 * aliases are serialized by one lock, and an alias batch is applied all-or-nothing.
 */
public final class TableOfContents implements AutoCloseable {
    static final String COLLECTIONS_DIR = "collections";
    static final String DELETED_DIR = ".deleted";

    private final Path storage;
    private final ShardFactory shardFactory;
    private final Map<String, Collection> collections = new ConcurrentHashMap<>();
    private volatile Map<String, String> aliases;
    private final Object lock = new Object();
    private boolean closed;

    private TableOfContents(Path storage, ShardFactory shardFactory) {
        this.storage = storage;
        this.shardFactory = shardFactory;
    }

    /** Opens (creating when missing) the storage directory and every collection in it. */
    public static TableOfContents open(Path storage, ShardFactory shardFactory) {
        TableOfContents toc = new TableOfContents(storage, shardFactory);
        try {
            Files.createDirectories(storage.resolve(COLLECTIONS_DIR));
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
                toc.collections.put(name, Collection.open(name, dir, shardFactory, toc::get));
            }
        } catch (IOException e) {
            toc.close();
            throw new ServiceException("Failed to open storage " + storage + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            toc.close();
            throw e;
        }
        Map<String, String> loaded = new HashMap<>(AliasStore.read(storage));
        loaded.values().removeIf(c -> !toc.collections.containsKey(c));
        toc.aliases = Map.copyOf(loaded);
        return toc;
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
            collections.put(name, c);
            return c;
        }
    }

    /**
     * Deletes a collection (by name or alias) with its data and the aliases pointing at it.
     *
     * @return false when there was no such collection
     */
    public boolean delete(String nameOrAlias) {
        synchronized (lock) {
            ensureOpen();
            String name = aliases.getOrDefault(nameOrAlias, nameOrAlias);
            Collection c = collections.remove(name);
            if (c == null) {
                return false;
            }
            Map<String, String> next = new HashMap<>(aliases);
            if (next.values().removeIf(name::equals)) {
                AliasStore.write(storage, next);
                aliases = Map.copyOf(next);
            }
            try {
                c.close();
            } finally {
                Path trash = storage.resolve(DELETED_DIR).resolve(name + "-" + System.nanoTime());
                try {
                    Files.createDirectories(trash.getParent());
                    Files.move(c.dir(), trash, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.fsyncDir(collectionsDir());
                    AtomicFiles.deleteTree(trash);
                } catch (IOException e) {
                    throw new ServiceException(
                            "Failed to delete collection directory " + c.dir() + ": " + e.getMessage(), e);
                }
            }
            return true;
        }
    }

    /** Names of all collections, sorted. */
    public List<String> list() {
        List<String> names = new ArrayList<>(collections.keySet());
        names.sort(null);
        return names;
    }

    /**
     * The collection with this name or alias.
     *
     * @throws UserException (not found) {@code Collection `x` doesn't exist!}
     */
    public Collection get(String nameOrAlias) {
        Collection c = find(nameOrAlias);
        if (c == null) {
            throw UserException.notFound("Not found: Collection `" + nameOrAlias + "` doesn't exist!");
        }
        return c;
    }

    /** Whether a collection with this name or alias exists. */
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
                        if (!collections.containsKey(c.collection())) {
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
        if (collections.containsKey(alias)) {
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
     * Installs a collection prepared in {@code preparedDir} (a {@code config.json} and its shard
     * directories, normally from {@link #newWorkDir}) under {@code name}, replacing an existing
     * collection of that name atomically: the old directory is moved aside, the new one renamed in
     * and opened; if opening fails the old collection is put back and reopened, and the error is
     * rethrown. Aliases pointing at {@code name} keep pointing at it.
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
            Path trash = newWorkDir("replaced-" + name);
            Collection old = collections.remove(name);
            try {
                Files.createDirectories(trash.getParent());
                if (old != null) {
                    old.close();
                }
                if (Files.exists(dir)) {
                    Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(preparedDir, dir, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDir(collectionsDir());
            } catch (IOException e) {
                restoreOld(name, dir, trash, old != null);
                throw new ServiceException("Failed to install collection " + name + ": " + e.getMessage(), e);
            }
            try {
                Collection c = Collection.open(name, dir, shardFactory, this::get);
                collections.put(name, c);
                AtomicFiles.deleteTree(trash);
                return c;
            } catch (RuntimeException e) {
                try {
                    Files.move(dir, preparedDir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException moveBack) {
                    AtomicFiles.deleteTree(dir);
                }
                restoreOld(name, dir, trash, old != null);
                throw e;
            }
        }
    }

    /**
     * Replaces shard {@code shardId} of a collection with the shard directory prepared in {@code
     * preparedShardDir}: the collection is closed (flushing every shard), the old shard directory
     * moved aside, the new one renamed in and the collection reopened; if reopening fails the old
     * shard is put back. Requests racing the swap may fail on the closed collection.
     *
     * @throws UserException not found for a missing collection or shard id
     */
    public Collection replaceShard(String nameOrAlias, int shardId, Path preparedShardDir) {
        synchronized (lock) {
            ensureOpen();
            Collection c = get(nameOrAlias);
            if (shardId < 0 || shardId >= c.shards().size()) {
                throw UserException.notFound(
                        "Not found: Shard " + shardId + " of collection `" + c.name() + "` doesn't exist!");
            }
            Path shardDir = c.dir().resolve(Collection.SHARDS_DIR).resolve(Integer.toString(shardId));
            Path trash = newWorkDir("replaced-shard");
            collections.remove(c.name());
            c.close();
            try {
                Files.createDirectories(trash.getParent());
                Files.move(shardDir, trash, StandardCopyOption.ATOMIC_MOVE);
                Files.move(preparedShardDir, shardDir, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDir(shardDir.getParent());
                Collection fresh = Collection.open(c.name(), c.dir(), shardFactory, this::get);
                collections.put(c.name(), fresh);
                AtomicFiles.deleteTree(trash);
                return fresh;
            } catch (IOException | RuntimeException e) {
                try {
                    if (Files.exists(trash)) {
                        AtomicFiles.deleteTree(shardDir);
                        Files.move(trash, shardDir, StandardCopyOption.ATOMIC_MOVE);
                    }
                    collections.put(c.name(), Collection.open(c.name(), c.dir(), shardFactory, this::get));
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new ServiceException(
                        "Failed to replace shard " + shardId + " of " + c.name() + ": " + e.getMessage(), e);
            }
        }
    }

    private void restoreOld(String name, Path dir, Path trash, boolean hadOld) {
        try {
            if (Files.exists(trash) && !Files.exists(dir)) {
                Files.move(trash, dir, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDir(collectionsDir());
            }
            if (hadOld && Files.exists(dir)) {
                collections.put(name, Collection.open(name, dir, shardFactory, this::get));
            }
        } catch (IOException | RuntimeException e) {
            throw new ServiceException(
                    "Failed to put back collection " + name + " after a failed install: " + e.getMessage(), e);
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
            if (first != null) {
                throw first;
            }
        }
    }
}
