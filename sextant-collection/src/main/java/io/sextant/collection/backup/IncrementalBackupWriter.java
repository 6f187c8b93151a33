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
 * capture full snapshots use, {@link SnapshotArchives#capture}), hashes each captured file (the
 * prefix recorded at capture), uploads the blobs the target does not hold yet, and only then stores
 * the manifest, so a visible manifest never names a missing blob. Files of immutable segments hash
 * the same as in the previous backup and are not uploaded again; the mutable parts (WAL, the
 * appendable segment, config) usually are. Stateless and thread-safe.
 */
final class IncrementalBackupWriter {
    private static final int BUFFER = 1 << 20;

    private IncrementalBackupWriter() {}

    /** What a backup stored: its manifest, and the blobs (count, bytes) it had to upload. */
    record Written(BackupManifest manifest, int newBlobs, long newBytes) {}

    private record Source(String path, Path file, long length) {}

    static Written write(Collection c, Path work, BlobStore store, String manifestKey, long createdMillis) {
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
        int newBlobs = 0;
        long newBytes = 0;
        for (Source s : sources) {
            String sha = sha256(s.file(), s.length());
            String key = IncrementalBackups.blobKey(sha);
            if (!store.exists(key)) {
                store.put(key, s.file(), s.length());
                newBlobs++;
                newBytes += s.length();
            }
            files.add(new BackupManifest.FileRef(s.path(), s.length(), sha));
        }
        BackupManifest m = new BackupManifest(c.name(), createdMillis, shardRefs, files);
        store.putBytes(manifestKey, m.toBytes()); // last: every blob it names is already stored
        return new Written(m, newBlobs, newBytes);
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

    /** The SHA-256 (hex) of the first {@code length} bytes of {@code file}. */
    static String sha256(Path file, long length) {
        MessageDigest md = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than the " + length + " bytes captured");
                }
                md.update(buf, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to hash " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
