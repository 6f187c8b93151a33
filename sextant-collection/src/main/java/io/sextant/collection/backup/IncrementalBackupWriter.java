package io.sextant.collection.backup;

import io.sextant.collection.Collection;
import io.sextant.collection.ShardKeyTable;
import io.sextant.collection.snapshot.SnapshotArchives;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedFile;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one incremental backup of a collection: captures every shard at one instant (the hard-link
 * capture full snapshots use, {@link SnapshotArchives#capture}), reads each captured file once (the
 * prefix recorded at capture) in fixed-size chunks, hashes each chunk and uploads the chunks the
 * target does not hold yet, and only then stores the manifest, so a visible manifest never names a
 * missing blob. Files of immutable segments hash the same as in the previous backup and are not
 * uploaded again; files that only grew (the WAL, the appendable segment's vectors) share every full
 * chunk of their earlier prefix; rewritten small files (config, deleted bitsets, the shard
 * manifest) are uploaded again. Stateless and thread-safe.
 */
final class IncrementalBackupWriter {
    private IncrementalBackupWriter() {}

    /** What a backup stored: its manifest, and the blobs (count, bytes) it had to upload. */
    record Written(BackupManifest manifest, int newBlobs, long newBytes) {}

    private record Source(String path, Path file, long length) {}

    static Written write(
            Collection c, Path work, BlobStore store, String manifestKey, long createdMillis, int chunkSize) {
        List<Integer> ids = c.shardIds();
        List<Shard> shards = c.shards();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            dirs.add(work.resolve(SnapshotArchives.SHARDS).resolve(Integer.toString(ids.get(i))));
        }
        List<Source> sources = new ArrayList<>();
        sources.add(small(work, SnapshotArchives.CONFIG, SnapshotArchives.readFile(c, SnapshotArchives.CONFIG)));
        if (c.customSharding()) {
            sources.add(small(work, ShardKeyTable.FILE_NAME, SnapshotArchives.readFile(c, ShardKeyTable.FILE_NAME)));
        }
        List<CapturedShard> captured = SnapshotArchives.capture(shards, dirs);
        List<BackupManifest.Shard> shardRefs = new ArrayList<>();
        for (int i = 0; i < captured.size(); i++) {
            CapturedShard s = captured.get(i);
            shardRefs.add(new BackupManifest.Shard(ids.get(i), s.checkpoint(), s.pointCount()));
            for (CapturedFile f : s.files()) {
                sources.add(new Source(
                        SnapshotArchives.SHARDS + "/" + ids.get(i) + "/" + f.relativePath(), f.staged(), f.length()));
            }
        }
        List<BackupManifest.FileRef> files = new ArrayList<>();
        Upload upload = new Upload(store, chunkSize);
        for (Source s : sources) {
            files.add(new BackupManifest.FileRef(s.path(), s.length(), upload.chunks(s.file(), s.length())));
        }
        BackupManifest m = new BackupManifest(c.name(), createdMillis, chunkSize, shardRefs, files);
        store.putBytes(manifestKey, m.toBytes()); // last: every blob it names is already stored
        return new Written(m, upload.newBlobs, upload.newBytes);
    }

    /** Reads each file once, chunk by chunk: hashes each chunk and uploads it when the target lacks it. */
    private static final class Upload {
        private final BlobStore store;
        private final byte[] buf;
        private final java.util.Set<String> seen = new java.util.HashSet<>();
        int newBlobs;
        long newBytes;

        Upload(BlobStore store, int chunkSize) {
            this.store = store;
            this.buf = new byte[chunkSize];
        }

        List<String> chunks(Path file, long length) {
            List<String> out = new ArrayList<>();
            try (InputStream in = Files.newInputStream(file)) {
                for (long done = 0; done < length; ) {
                    int n = (int) Math.min(buf.length, length - done);
                    if (in.readNBytes(buf, 0, n) < n) {
                        throw new IOException(file + " is shorter than the " + length + " bytes captured");
                    }
                    MessageDigest md = newDigest();
                    md.update(buf, 0, n);
                    String sha = HexFormat.of().formatHex(md.digest());
                    String key = IncrementalBackups.blobKey(sha);
                    if (seen.add(sha) && !store.exists(key)) {
                        store.putBytes(key, java.util.Arrays.copyOf(buf, n));
                        newBlobs++;
                        newBytes += n;
                    }
                    out.add(sha);
                    done += n;
                }
            } catch (IOException e) {
                throw new ServiceException("Failed to read " + file + ": " + e.getMessage(), e);
            }
            return out;
        }
    }

    private static Source small(Path work, String name, byte[] content) {
        try {
            Path f = work.resolve("meta").resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, content);
            return new Source(name, f, content.length);
        } catch (IOException e) {
            throw new ServiceException("Failed to stage " + name + ": " + e.getMessage(), e);
        }
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
