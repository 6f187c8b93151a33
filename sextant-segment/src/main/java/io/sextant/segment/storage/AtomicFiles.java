package io.sextant.segment.storage;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Durable whole-file writes: the content goes to {@code <name>.tmp}, is fsynced, renamed over the
 * target atomically, and the directory is fsynced, so a crash leaves either the old or the new
 * file, never a mix. Stateless and thread-safe for distinct targets.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Atomically replaces {@code target} with {@code content} (from position to limit). */
    public static void write(Path target, ByteBuffer content) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (content.hasRemaining()) {
                    ch.write(content);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDir(target.getParent());
        } catch (IOException e) {
            throw new ServiceException("Failed to write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Fsyncs a directory so that creations, renames and deletions in it are durable. */
    public static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw new ServiceException("Failed to fsync directory " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Creates {@code dir} and its missing ancestors like {@link Files#createDirectories}, and makes
     * the creations durable: each directory it created is fsynced, and so is each one's parent
     * (which holds the new entry). A no-op when {@code dir} already exists.
     */
    public static void createDirectories(Path dir) {
        Path abs = dir.toAbsolutePath();
        List<Path> missing = new ArrayList<>(); // deepest first
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(p);
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new ServiceException("Failed to create directory " + dir + ": " + e.getMessage(), e);
        }
        Set<Path> toSync = new LinkedHashSet<>();
        for (Path p : missing) {
            toSync.add(p);
            if (p.getParent() != null) {
                toSync.add(p.getParent());
            }
        }
        for (Path p : toSync) {
            fsyncDir(p);
        }
    }

    /** Reads a whole file. */
    public static ByteBuffer read(Path file) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ServiceException("Failed to read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
