package io.sextant.collection;

import java.nio.ByteBuffer;
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
        createDirectories(target.toAbsolutePath().getParent());
        io.sextant.segment.storage.AtomicFiles.write(target.toAbsolutePath(), ByteBuffer.wrap(content));
    }

    /** Creates {@code dir} and its missing parents, fsyncing each directory that gains an entry. */
    public static void createDirectories(Path dir) {
        io.sextant.segment.storage.AtomicFiles.createDirectories(dir);
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
