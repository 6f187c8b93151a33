package io.sextant.collection.backup;

import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * Content-addressed incremental backups in a {@link BlobStore} (local directory or S3). Layout of
 * the target:
 *
 * <pre>
 * incremental/blobs/&lt;sha[0..2]&gt;/&lt;sha256&gt;                 one chunk of a file, stored once
 * incremental/manifests/&lt;collection&gt;/&lt;name&gt;.backup      {@link BackupManifest}
 * </pre>
 *
 * with names {@code <collection>-<yyyy-MM-dd-HH-mm-ss-SSS>-<id>.backup} (UTC). Every manifest
 * restores on its own; backups after the first upload only blobs the target lacks ({@link
 * IncrementalBackupWriter}). Deleting backups deletes their manifests first, then sweeps the blobs
 * no remaining manifest names ({@link BlobSweeper}); a crash in between leaves only unreferenced
 * blobs, which the next sweep removes. Backups and sweeps through one instance are serialized
 * (backups share a read lock, a sweep takes the write lock); the target must not be written by two
 * nodes at once. Thread-safe.
 */
public final class IncrementalBackups implements AutoCloseable {
    static final String ROOT = "incremental/";
    static final String BLOBS = ROOT + "blobs/";
    static final String MANIFESTS = ROOT + "manifests/";
    public static final String SUFFIX = ".backup";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss-SSS");
    private static final Pattern NAME =
            Pattern.compile(".*-(\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{3})-\\d+\\.backup");

    /** Default chunk size: 1 MiB (small enough that an appended WAL or vector file re-uploads little). */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

    private final BlobStore store;
    private final Clock clock;
    private final int chunkSize;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    public IncrementalBackups(BlobStore store, Clock clock) {
        this(store, clock, DEFAULT_CHUNK_SIZE);
    }

    /** @param chunkSize bytes per blob of new backups (a manifest records its own) */
    public IncrementalBackups(BlobStore store, Clock clock, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
        }
        this.store = store;
        this.clock = clock;
        this.chunkSize = chunkSize;
    }

    public BlobStore store() {
        return store;
    }

    /** One backup taken: its description (size = bytes of the collection) and what had to be uploaded. */
    public record Created(SnapshotDescription description, BackupManifest manifest, int newBlobs, long newBytes) {}

    /** A mark-and-sweep's outcome: manifests read, blobs kept, blobs (and bytes) deleted. */
    public record Swept(int manifests, int keptBlobs, int deletedBlobs, long deletedBytes) {}

    static String blobKey(String sha256) {
        return BLOBS + sha256.substring(0, 2) + "/" + sha256;
    }

    private static String manifestKey(String collection, String name) {
        if (!name.endsWith(SUFFIX) || name.contains("/") || name.contains("..")) {
            throw UserException.notFound("Not found: backup " + name + " not found");
        }
        return MANIFESTS + collection + "/" + name;
    }

    /**
     * Backs up {@code c}; {@code work} (must not exist) holds the capture's hard links and is removed
     * afterwards.
     */
    public Created create(Collection c, Path work) {
        Instant now = clock.instant();
        String name =
                c.name() + "-" + LocalDateTime.ofInstant(now, ZoneOffset.UTC).format(TS) + "-"
                        + ThreadLocalRandom.current().nextInt(1000, 10000) + SUFFIX;
        lock.readLock().lock();
        try {
            IncrementalBackupWriter.Written w = IncrementalBackupWriter.write(
                    c, work, store, manifestKey(c.name(), name), now.toEpochMilli(), chunkSize);
            return new Created(describe(name, w.manifest()), w.manifest(), w.newBlobs(), w.newBytes());
        } finally {
            lock.readLock().unlock();
            AtomicFiles.deleteTree(work);
        }
    }

    private static SnapshotDescription describe(String name, BackupManifest m) {
        String time = LocalDateTime.ofInstant(Instant.ofEpochMilli(m.createdMillis()), ZoneOffset.UTC)
                .toString();
        return new SnapshotDescription(name, time, m.bytes(), null);
    }

    /** The backups of {@code collection}, oldest first; size is the collection's bytes in each. */
    public List<SnapshotDescription> list(String collection) {
        List<SnapshotDescription> out = new ArrayList<>();
        String prefix = MANIFESTS + collection + "/";
        for (BlobStore.Entry e : store.list(prefix)) {
            String name = e.key().substring(prefix.length());
            if (!name.contains("/") && NAME.matcher(name).matches()) {
                out.add(describe(name, readManifest(store, e.key())));
            }
        }
        out.sort(Comparator.comparing(SnapshotDescription::creationTime).thenComparing(SnapshotDescription::name));
        return out;
    }

    /** Collections with at least one backup in the target, sorted. */
    public List<String> collections() {
        TreeSet<String> out = new TreeSet<>();
        for (BlobStore.Entry e : store.list(MANIFESTS)) {
            String rest = e.key().substring(MANIFESTS.length());
            int slash = rest.lastIndexOf('/');
            if (slash > 0 && rest.endsWith(SUFFIX)) {
                out.add(rest.substring(0, slash));
            }
        }
        return List.copyOf(out);
    }

    /** The manifest of one backup. @throws UserException not found */
    public BackupManifest manifest(String collection, String name) {
        return readManifest(store, manifestKey(collection, name));
    }

    static BackupManifest readManifest(BlobStore store, String key) {
        try (InputStream in = store.open(key)) {
            if (in == null) {
                throw UserException.notFound("Not found: backup " + key + " not found in " + store.location());
            }
            return BackupManifest.parse(in.readAllBytes(), store.location() + "/" + key);
        } catch (IOException e) {
            throw new ServiceException("Failed to read backup manifest " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores backup {@code name} of {@code collection} as collection {@code target} of {@code toc}
     * (replacing one of that name), verifying every blob.
     */
    public SnapshotRestorer.Restored restore(TableOfContents toc, String target, String collection, String name) {
        BackupManifest m = manifest(collection, name);
        lock.readLock().lock();
        try {
            return IncrementalRestorer.restore(toc, target, m, store, name);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Deletes the manifests of these backups, then sweeps the blobs no remaining backup names.
     *
     * @return the sweep's outcome
     */
    public Swept delete(String collection, List<String> names) {
        lock.writeLock().lock();
        try {
            for (String name : names) {
                store.delete(manifestKey(collection, name));
            }
            return sweepLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Deletes the blobs no manifest names (e.g. after a crash between a delete and its sweep). */
    public Swept sweep() {
        lock.writeLock().lock();
        try {
            return sweepLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Swept sweepLocked() {
        return BlobSweeper.sweep(store);
    }

    public String location() {
        return store.location();
    }

    @Override
    public void close() {
        store.close();
    }
}
