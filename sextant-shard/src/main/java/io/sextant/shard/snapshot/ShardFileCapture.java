package io.sextant.shard.snapshot;

import io.sextant.segment.error.ServiceException;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Captures a point-in-time view of one or more {@link LocalShard}s into a staging directory,
 * pausing their updates only for as long as it takes to fsync the WAL and hard-link the files.
 *
 * <p><b>Why hard links are enough.</b> While updates are paused, the shard's files are exactly
 * what a restart would recover to the last applied seq (see {@link LocalShard#withUpdatesPaused}):
 * the manifest of the last checkpoint, the segment files it lists, and the WAL, whose records
 * after that checkpoint recovery replays. Nothing is flushed under the pause, so it stays short
 * even when much is unflushed (e.g. right after a {@code wait=false} ingest); the snapshot then
 * carries those WAL records and the restore replays them. Every captured file is either replaced
 * atomically (manifest, points and deleted files, index files: temp + rename, so the link keeps
 * the old inode) or append-only (the write target's vector file: bytes of offsets already
 * published are never rewritten; WAL files: records are only appended, and a WAL repair truncates
 * only records that were not yet durable, while the pause fsyncs everything captured). Recording
 * each file's length while paused and later reading only that prefix therefore yields the paused
 * state even while writers continue and later checkpoints delete WAL files or replace segment
 * files. Where links are impossible (staging on another file system), the file is copied while
 * paused.
 *
 * <p>Several shards are paused together (in list order) so a multi-shard collection is captured at
 * one instant. Stateless and thread-safe.
 */
public final class ShardFileCapture {
    private static final String WAL_DIR = "wal";

    private ShardFileCapture() {}

    /** One captured file: its path inside the shard, the staged link or copy, and the length to read. */
    public record CapturedFile(String relativePath, Path staged, long length) {}

    /**
     * A captured shard.
     *
     * @param checkpoint the WAL seq the files reflect
     * @param pointCount live points at the checkpoint (exact)
     */
    public record CapturedShard(Path stagingDir, long checkpoint, long pointCount, List<CapturedFile> files) {
        public long bytes() {
            return files.stream().mapToLong(CapturedFile::length).sum();
        }
    }

    /**
     * Captures all {@code shards} at one point in time; shard {@code i} goes to {@code
     * stagingDirs.get(i)} (created; must be empty or missing).
     *
     * @throws ServiceException when a shard is closed or failed, or the file system refuses
     */
    public static List<CapturedShard> captureAll(List<LocalShard> shards, List<Path> stagingDirs) {
        if (shards.size() != stagingDirs.size()) {
            throw new IllegalArgumentException(
                    "need one staging dir per shard: " + shards.size() + " shards, " + stagingDirs.size() + " dirs");
        }
        List<CapturedShard> out = new ArrayList<>();
        pauseAndCapture(shards, stagingDirs, 0, out);
        return out;
    }

    /** Captures one shard. */
    public static CapturedShard capture(LocalShard shard, Path stagingDir) {
        return captureAll(List.of(shard), List.of(stagingDir)).getFirst();
    }

    private static void pauseAndCapture(List<LocalShard> shards, List<Path> dirs, int index, List<CapturedShard> out) {
        if (index == shards.size()) {
            return;
        }
        LocalShard shard = shards.get(index);
        shard.withUpdatesPaused(paused -> {
            long points = shard.count(io.sextant.segment.filter.Filter.ALL, true);
            out.add(new CapturedShard(
                    dirs.get(index), paused.seq(), points, linkAll(paused.dir(), dirs.get(index), paused.walNeeded())));
            // keep this shard paused while the next ones are captured: one instant for all
            pauseAndCapture(shards, dirs, index + 1, out);
            return null;
        });
    }

    private static List<CapturedFile> linkAll(Path shardDir, Path staging, boolean withWal) {
        List<CapturedFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(shardDir)) {
            for (Path src : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = shardDir.relativize(src);
                String relName = rel.toString().replace('\\', '/');
                if ((!withWal && relName.startsWith(WAL_DIR + "/"))
                        || relName.startsWith(WAL_DIR + "/quarantine/") // set aside at open, never replayed
                        || relName.endsWith(".tmp")) {
                    continue;
                }
                Path dst = staging.resolve(rel);
                Files.createDirectories(dst.getParent());
                long length = Files.size(src);
                linkOrCopy(src, dst, length);
                files.add(new CapturedFile(relName, dst, length));
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to capture shard " + shardDir + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static void linkOrCopy(Path src, Path dst, long length) throws IOException {
        try {
            Files.createLink(dst, src);
            return;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // other file system or no hard links: copy the prefix while updates are paused
        }
        try (InputStream in = Files.newInputStream(src);
                OutputStream out = Files.newOutputStream(dst, StandardOpenOption.CREATE_NEW)) {
            long copied = in.transferTo(new BoundedOutputStream(out, length));
            if (copied < length) {
                throw new IOException("file " + src + " shrank while being copied: " + copied + " < " + length);
            }
        }
    }
}
