package io.sextant.collection.backup;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AtomicFiles;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.shard.snapshot.SnapshotManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * Restores an incremental backup: every file the manifest lists is assembled from its chunk blobs
 * in a work directory on the storage file system while each chunk's SHA-256 and size are checked (a missing or
 * damaged blob fails the restore with a message naming the blob, the file and the target), every
 * file and directory is fsynced, the config and shards are checked, and only then is the directory
 * swapped in crash-atomically ({@link TableOfContents#install}); any failure leaves the existing
 * collection as it was. Stateless and thread-safe.
 */
final class IncrementalRestorer {
    private static final int BUFFER = 1 << 20;

    private IncrementalRestorer() {}

    static SnapshotRestorer.Restored restore(
            TableOfContents toc, String name, BackupManifest m, BlobStore store, String source) {
        Path work = toc.newWorkDir("restore-" + name);
        try {
            Set<Path> dirs = new TreeSet<>();
            for (BackupManifest.FileRef f : m.files()) {
                Path dst = work.resolve(f.path()).normalize();
                if (!dst.startsWith(work)) {
                    throw UserException.badRequest(
                            "Wrong input: backup " + source + " names a file outside the " + "collection: " + f.path());
                }
                fetch(store, m, f, dst, source);
                for (Path d = dst.getParent(); d != null && d.startsWith(work); d = d.getParent()) {
                    dirs.add(d);
                }
            }
            dirs.forEach(AtomicFiles::fsyncDir);
            CollectionConfig config;
            try {
                config = CollectionConfigFile.read(work);
            } catch (ServiceException e) {
                throw UserException.badRequest(
                        "Wrong input: backup " + source + " has no valid collection config: " + e.getMessage());
            }
            SnapshotRestorer.checkShards(work, config, source);
            toc.install(name, work);
            return new SnapshotRestorer.Restored(name, asSnapshotManifest(m), m.points());
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static void fetch(BlobStore store, BackupManifest m, BackupManifest.FileRef f, Path dst, String source) {
        try {
            Files.createDirectories(dst.getParent());
            try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(ch);
                for (int i = 0; i < f.chunks().size(); i++) {
                    copyChunk(store, f, i, f.chunkLength(i, m.chunkSize()), out, source);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new ServiceException(
                    "Failed to restore " + f.path() + " of backup " + source + " from " + store.location() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Copies chunk {@code i} of {@code f} to {@code out}, checking its length and hash. */
    private static void copyChunk(
            BlobStore store, BackupManifest.FileRef f, int i, long expected, OutputStream out, String source)
            throws IOException {
        String sha = f.chunks().get(i);
        MessageDigest md = IncrementalBackupWriter.newDigest();
        long total = 0;
        try (InputStream in = store.open(IncrementalBackups.blobKey(sha))) {
            if (in == null) {
                throw damaged(source, sha, f, i, "is missing from " + store.location());
            }
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0 && total <= expected) {
                total += n;
                md.update(buf, 0, n);
                if (total <= expected) {
                    out.write(buf, 0, n);
                }
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (total != expected) {
            throw damaged(
                    source,
                    sha,
                    f,
                    i,
                    "in " + store.location() + " is corrupt: "
                            + (total > expected ? "more than" : "only") + " " + Math.min(total, expected + 1)
                            + " bytes, expected " + expected);
        }
        if (!actual.equals(sha)) {
            throw damaged(source, sha, f, i, "in " + store.location() + " is corrupt: its content hashes to " + actual);
        }
    }

    private static ServiceException damaged(
            String source, String sha, BackupManifest.FileRef f, int chunk, String what) {
        return new ServiceException("Backup " + source + " is damaged: blob " + sha + " (chunk " + chunk + " of "
                + f.chunks().size() + " of file " + f.path() + ") " + what);
    }

    private static SnapshotManifest asSnapshotManifest(BackupManifest m) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("collection", m.collection());
        body.put("created", java.time.Instant.ofEpochMilli(m.createdMillis()).toString());
        var arr = body.putArray("shards");
        for (BackupManifest.Shard s : m.shards()) {
            arr.addObject().put("id", s.id()).put("checkpoint", s.checkpoint()).put("points", s.points());
        }
        body.put("entries", m.files().size());
        return new SnapshotManifest(SnapshotManifest.KIND_COLLECTION, body);
    }
}
