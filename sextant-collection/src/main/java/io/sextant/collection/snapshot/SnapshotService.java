package io.sextant.collection.snapshot;

import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.shard.snapshot.SnapshotManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot lifecycle of a node: create, list, open (download), delete and recover collection,
 * shard and full snapshots, kept in a {@link SnapshotStore} (local directory or S3).
 *
 * <p><b>Staging.</b> Everything in progress lives in {@code <snapshots>/tmp/<op>-<uuid>/}: the
 * hard links of a capture, the archive being written, downloads and uploads. Only a complete,
 * fsynced archive is handed to the store, which renames (or uploads) it into place, so a listed
 * snapshot is never partial. A failure deletes the staging directory; leftovers of a crash are
 * swept when the service is constructed. Restores extract into the storage file system first and
 * swap atomically ({@link SnapshotRestorer}).
 *
 * <p>Thread-safe: concurrent snapshots of different or the same collection are independent.
 */
public final class SnapshotService {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotService.class);
    public static final String STAGING_DIR = "tmp";

    private final TableOfContents toc;
    private final SnapshotStore store;
    private final Path staging;
    private final SnapshotLocations locations;
    private final Clock clock;
    private final SnapshotLimits limits;
    /** Where recoveries install (set once by a cluster node; {@link RestoreTarget#LOCAL} otherwise). */
    private volatile RestoreTarget target = RestoreTarget.LOCAL;
    /** Snapshot creations running now, by collection name ({@code "full"} for full snapshots). */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> creating =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param snapshotsPath {@code storage.snapshots_path}: staging lives in its {@code tmp/}, and
     *     {@code file://} recovery locations must be inside it
     * @param urlRecovery {@code service.enable_snapshot_url_recovery}: true, false or null (loopback only)
     */
    public SnapshotService(
            TableOfContents toc, SnapshotStore store, Path snapshotsPath, Boolean urlRecovery, Clock clock) {
        this(toc, store, snapshotsPath, urlRecovery, clock, SnapshotLimits.DEFAULTS);
    }

    /** @param limits upload and expanded-size bounds on recovered snapshots */
    public SnapshotService(
            TableOfContents toc,
            SnapshotStore store,
            Path snapshotsPath,
            Boolean urlRecovery,
            Clock clock,
            SnapshotLimits limits) {
        this.limits = limits;
        this.toc = toc;
        this.store = store;
        this.staging = snapshotsPath.toAbsolutePath().normalize().resolve(STAGING_DIR);
        this.locations = new SnapshotLocations(snapshotsPath, urlRecovery);
        this.clock = clock;
        AtomicFiles.deleteTree(staging);
    }

    /**
     * Where recovered collection and shard snapshots are installed from now on (a cluster node's
     * replica sets); backups restored through {@link #recoverFromStore} stay local.
     */
    public void restoreTarget(RestoreTarget target) {
        this.target = java.util.Objects.requireNonNull(target, "target");
    }

    public SnapshotStore store() {
        return store;
    }

    public TableOfContents tableOfContents() {
        return toc;
    }

    /** The upload and expanded-size bounds. */
    public SnapshotLimits limits() {
        return limits;
    }

    /**
     * The staging directory ({@code <snapshots>/tmp}), created when missing: uploads may be spooled
     * here (it is swept at start-up).
     */
    public Path stagingDir() {
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new ServiceException(
                    "Failed to create snapshot staging directory " + staging + ": " + e.getMessage(), e);
        }
        return staging;
    }

    // ------------------------------------------------------------------ create

    /** Snapshots a collection (name or alias). */
    public SnapshotDescription createCollection(String nameOrAlias) {
        Collection c = toc.get(nameOrAlias);
        String name = SnapshotNames.collection(c.name(), clock);
        return create(
                c.name(),
                SnapshotNames.collectionScope(c.name()),
                name,
                (work, out) -> SnapshotArchives.writeCollection(c, work, out, clock));
    }

    /** Snapshots one shard of a collection. */
    public SnapshotDescription createShard(String nameOrAlias, int shardId) {
        Collection c = toc.get(nameOrAlias);
        checkShard(c, shardId);
        return create(
                c.name(),
                SnapshotNames.shardScope(c.name(), shardId),
                SnapshotNames.shard(c.name(), shardId, clock),
                (work, out) -> SnapshotArchives.writeShard(c, shardId, work, out, clock));
    }

    /** Snapshots every collection and the aliases; per-collection snapshots are left alone. */
    public SnapshotDescription createFull() {
        return create(
                "full",
                SnapshotNames.fullScope(),
                SnapshotNames.full(clock),
                (work, out) -> SnapshotArchives.writeFull(toc, work, out, clock));
    }

    private interface ArchiveWriter {
        SnapshotArchives.Written write(Path work, Path out);
    }

    /** Snapshot creations running now by collection name ({@code "full"}: full snapshots), for metrics. */
    public java.util.Map<String, Integer> runningCreations() {
        return java.util.Map.copyOf(creating);
    }

    private SnapshotDescription create(String unit, String scope, String name, ArchiveWriter writer) {
        Path work = newWork("create");
        long start = System.nanoTime();
        creating.merge(unit, 1, Integer::sum);
        try {
            Path out = work.resolve(name + ".partial");
            SnapshotArchives.Written w = writer.write(work.resolve("capture"), out);
            SnapshotDescription d = store.put(scope, name, out, w.sha256());
            LOG.atInfo()
                    .addKeyValue("snapshot", name)
                    .addKeyValue("bytes", d.size())
                    .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
                    .log("Created snapshot {} in {}", name, store.location());
            return d;
        } finally {
            creating.computeIfPresent(unit, (k, n) -> n > 1 ? n - 1 : null);
            AtomicFiles.deleteTree(work);
        }
    }

    // ------------------------------------------------------------------ list, open, delete

    public List<SnapshotDescription> listCollection(String collection) {
        return store.list(SnapshotNames.collectionScope(realName(collection)));
    }

    public List<SnapshotDescription> listShard(String collection, int shardId) {
        Collection c = toc.get(collection);
        checkShard(c, shardId);
        return store.list(SnapshotNames.shardScope(c.name(), shardId));
    }

    public List<SnapshotDescription> listFull() {
        return store.list(SnapshotNames.fullScope());
    }

    /** A snapshot ready to stream: its description and an open stream (caller closes). */
    public record Download(SnapshotDescription description, InputStream stream) {}

    public Download openCollection(String collection, String name) {
        return open(SnapshotNames.collectionScope(realName(collection)), name);
    }

    public Download openShard(String collection, int shardId, String name) {
        Collection c = toc.get(collection);
        checkShard(c, shardId);
        return open(SnapshotNames.shardScope(c.name(), shardId), name);
    }

    public Download openFull(String name) {
        return open(SnapshotNames.fullScope(), name);
    }

    private Download open(String scope, String name) {
        SnapshotNames.validateExisting(name);
        SnapshotDescription d = store.describe(scope, name).orElseThrow(() -> LocalSnapshotStore.notFound(name));
        return new Download(d, store.open(scope, name));
    }

    public boolean deleteCollection(String collection, String name) {
        return delete(SnapshotNames.collectionScope(realName(collection)), name);
    }

    public boolean deleteShard(String collection, int shardId, String name) {
        Collection c = toc.get(collection);
        checkShard(c, shardId);
        return delete(SnapshotNames.shardScope(c.name(), shardId), name);
    }

    public boolean deleteFull(String name) {
        return delete(SnapshotNames.fullScope(), name);
    }

    private boolean delete(String scope, String name) {
        SnapshotNames.validateExisting(name);
        if (!store.delete(scope, name)) {
            throw LocalSnapshotStore.notFound(name);
        }
        return true;
    }

    // ------------------------------------------------------------------ recover

    /** Recovers collection {@code name} from a location (file:// or http(s)://). */
    public SnapshotRestorer.Restored recoverCollection(String name, RecoverRequest req) {
        return recover(req, file -> target.collection(toc, name, file, req.priority(), limits));
    }

    /** Recovers shard {@code shardId} of collection {@code name} from a location. */
    public SnapshotRestorer.Restored recoverShard(String name, int shardId, RecoverRequest req) {
        Collection c = toc.get(name);
        checkShard(c, shardId);
        return recover(req, file -> target.shard(toc, c.name(), shardId, file, req.priority(), limits));
    }

    /** Recovers collection {@code name} from an uploaded snapshot stream. */
    public SnapshotRestorer.Restored recoverCollectionUpload(
            String name, InputStream upload, SnapshotPriority priority, String checksum) {
        return recoverUpload(upload, checksum, file -> target.collection(toc, name, file, priority, limits));
    }

    /** Recovers one shard from an uploaded snapshot stream. */
    public SnapshotRestorer.Restored recoverShardUpload(
            String name, int shardId, InputStream upload, SnapshotPriority priority, String checksum) {
        Collection c = toc.get(name);
        checkShard(c, shardId);
        return recoverUpload(upload, checksum, file -> target.shard(toc, c.name(), shardId, file, priority, limits));
    }

    /** Restores from a snapshot kept in this service's store (backups, drills). */
    public SnapshotRestorer.Restored recoverFromStore(String collection, String scope, String snapshotName) {
        Path work = newWork("fetch");
        try {
            Path file = store.localCopy(scope, snapshotName, work.resolve(snapshotName));
            String sidecar = store.describe(scope, snapshotName)
                    .map(SnapshotDescription::checksum)
                    .orElse(null);
            SnapshotLocations.verifyChecksum(file, null, sidecar);
            return SnapshotRestorer.restoreCollection(toc, collection, file, limits);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private interface Restore {
        SnapshotRestorer.Restored apply(Path file);
    }

    private SnapshotRestorer.Restored recover(RecoverRequest req, Restore restore) {
        Path work = newWork("recover");
        try {
            SnapshotLocations.Source src = locations.resolve(req.location(), req.apiKey(), work.resolve("download"));
            String sidecar = src.downloaded() ? null : LocalSnapshotStore.readChecksum(src.file());
            SnapshotLocations.verifyChecksum(src.file(), req.checksum(), sidecar);
            return timed(req.location(), () -> restore.apply(src.file()));
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private SnapshotRestorer.Restored recoverUpload(InputStream upload, String checksum, Restore restore) {
        if (checksum != null && !checksum.matches("[0-9a-fA-F]{64}")) {
            throw UserException.badRequest(
                    "Wrong input: checksum must be a SHA-256 hex string of 64 characters, got '" + checksum + "'");
        }
        Path work = newWork("upload");
        try {
            Path file = work.resolve("upload" + SnapshotNames.SUFFIX);
            storeUpload(upload, file);
            SnapshotLocations.verifyChecksum(file, checksum, null);
            return timed("upload", () -> restore.apply(file));
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /** Copies an upload to {@code file}, refusing it (413) as soon as it passes the upload limit. */
    private void storeUpload(InputStream upload, Path file) {
        long max = limits.maxUploadBytes();
        try (InputStream in = upload;
                java.io.OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    throw uploadTooLarge(max);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to store uploaded snapshot: " + e.getMessage(), e);
        }
    }

    /** The 413 for an upload over {@code max} bytes. */
    public static UserException uploadTooLarge(long max) {
        return new UserException(
                UserException.Kind.TOO_LARGE,
                "Payload too large: snapshot upload exceeds the limit of " + max
                        + " bytes (storage.snapshots_config.max_upload_bytes)");
    }

    private static SnapshotRestorer.Restored timed(
            String from, java.util.function.Supplier<SnapshotRestorer.Restored> r) {
        long start = System.nanoTime();
        SnapshotRestorer.Restored out = r.get();
        LOG.atInfo()
                .addKeyValue("collection", out.collection())
                .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
                .log("Recovered collection {} from {}", out.collection(), from);
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private String realName(String nameOrAlias) {
        if (toc.exists(nameOrAlias)) {
            return toc.get(nameOrAlias).name();
        }
        io.sextant.collection.NameValidator.validate("Collection", nameOrAlias);
        return nameOrAlias; // snapshots outlive their collection (disaster recovery)
    }

    private static void checkShard(Collection c, int shardId) {
        if (c.shard(shardId) == null) {
            throw UserException.notFound(
                    "Not found: Shard " + shardId + " of collection `" + c.name() + "` doesn't exist!");
        }
    }

    private Path newWork(String op) {
        Path work = staging.resolve(op + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new ServiceException(
                    "Failed to create snapshot staging directory " + work + ": " + e.getMessage(), e);
        }
        return work;
    }

    /** The manifest kinds this service writes, for callers that inspect archives. */
    public static final List<String> KINDS =
            List.of(SnapshotManifest.KIND_COLLECTION, SnapshotManifest.KIND_SHARD, SnapshotManifest.KIND_FULL);
}
