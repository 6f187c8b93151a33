package io.sextant.collection;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Durable file replacement for the collection layer's small metadata files ({@code config.json},
 * {@code aliases.json}, snapshot manifests): the same temp-file, fsync, atomic rename and directory
 * fsync mechanism as the segment files, reused from {@link
 * io.sextant.segment.storage.AtomicFiles} (this class only adds the byte-array form and creates the
 * parent directory). Stateless and thread-safe for distinct targets.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Atomically replaces {@code target} with {@code content}, creating the parent directory. */
    public static void write(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ServiceException("Failed to create " + dir + ": " + e.getMessage(), e);
        }
        io.sextant.segment.storage.AtomicFiles.write(target.toAbsolutePath(), ByteBuffer.wrap(content));
    }

    /** Fsyncs a directory so that renames and creations in it are durable. */
    public static void fsyncDir(Path dir) {
        io.sextant.segment.storage.AtomicFiles.fsyncDir(dir);
    }

    /** Deletes a directory tree; missing paths are ignored. */
    public static void deleteTree(Path root) {
        io.sextant.segment.storage.AtomicFiles.deleteTree(root);
    }
}
