package io.sextant.cluster.shard;

import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedFile;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code Capture} call's answer: a shard's snapshot files, captured on the peer that holds the
 * replica and shipped to the peer that writes the snapshot, so a snapshot taken through any peer
 * holds every shard of the collection. Response body layout (inside {@link ShardCall}'s envelope):
 *
 * <pre>
 * i64 checkpoint (the WAL seq the files reflect), i64 point count,
 * u32 n, n x (str path inside the shard, u32 length, length bytes)
 * </pre>
 *
 * The files travel in one message, so a shard whose files exceed {@link #MAX_BYTES} cannot be
 * captured from another peer (service error naming the size); the client accepts responses up to
 * 256 MiB. Stateless.
 */
public final class ShardCaptureWire {
    /** Most file bytes one answer carries. */
    static final long MAX_BYTES = 200L << 20;

    private ShardCaptureWire() {}

    /** One shipped file. */
    public record ShippedFile(String path, byte[] content) {}

    /** A shard's captured files as they travel. */
    public record Shipped(long checkpoint, long pointCount, List<ShippedFile> files) {}

    /** Serving side: captures {@code shard} into a scratch directory, reads the files, removes it. */
    static Shipped capture(Shard shard) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("sextant-capture");
        } catch (IOException e) {
            throw new ServiceException("Cannot create a scratch directory for a shard capture: " + e.getMessage(), e);
        }
        try {
            CapturedShard captured = shard.captureFiles(scratch.resolve("shard"));
            if (captured.bytes() > MAX_BYTES) {
                throw new ServiceException("Shard is " + captured.bytes() + " bytes, more than the " + MAX_BYTES
                        + " one capture can send between peers");
            }
            List<ShippedFile> files = new ArrayList<>();
            for (CapturedFile f : captured.files()) {
                files.add(new ShippedFile(f.relativePath(), read(f)));
            }
            return new Shipped(captured.checkpoint(), captured.pointCount(), files);
        } finally {
            deleteTree(scratch);
        }
    }

    private static byte[] read(CapturedFile f) {
        try (InputStream in = Files.newInputStream(f.staged())) {
            byte[] b = in.readNBytes((int) f.length());
            if (b.length != f.length()) {
                throw new ServiceException(
                        "Captured file " + f.relativePath() + " shrank: " + b.length + " < " + f.length());
            }
            return b;
        } catch (IOException e) {
            throw new ServiceException("Cannot read captured file " + f.relativePath() + ": " + e.getMessage(), e);
        }
    }

    /** Calling side: writes the shipped files under {@code stagingDir}. */
    static CapturedShard stage(Shipped shipped, Path stagingDir) {
        List<CapturedFile> files = new ArrayList<>();
        try {
            Path root = stagingDir.toAbsolutePath().normalize();
            for (ShippedFile f : shipped.files()) {
                Path dst = root.resolve(f.path()).normalize();
                if (!dst.startsWith(root) || dst.equals(root)) {
                    throw new ServiceException("A peer sent a captured file outside its shard: " + f.path());
                }
                Files.createDirectories(dst.getParent());
                Files.write(dst, f.content());
                files.add(new CapturedFile(f.path(), dst, f.content().length));
            }
        } catch (IOException e) {
            throw new ServiceException("Cannot stage a captured shard in " + stagingDir + ": " + e.getMessage(), e);
        }
        return new CapturedShard(stagingDir, shipped.checkpoint(), shipped.pointCount(), files);
    }

    static void write(BinaryWriter w, Shipped s) {
        w.i64(s.checkpoint()).i64(s.pointCount()).count(s.files().size());
        for (ShippedFile f : s.files()) {
            w.str(f.path()).count(f.content().length).bytes(f.content());
        }
    }

    static Shipped read(BinaryReader r) {
        long checkpoint = r.i64();
        long points = r.i64();
        int n = r.count(8);
        List<ShippedFile> files = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String path = r.str();
            int len = r.count(1);
            files.add(new ShippedFile(path, r.bytes(len)));
        }
        return new Shipped(checkpoint, points, files);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // scratch in the temp dir: left for the OS
        }
    }
}
