package io.sextant.collection;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a storage directory, so two processes (a server and {@code sextant import
 * --storage-path}, or two servers started on one directory by mistake) never write the same WAL
 * and segment files at once. It is an OS advisory lock ({@code fcntl}, through {@link
 * FileChannel#tryLock()}) on the file {@code <storage>/.sextant.lock}: the kernel releases it when
 * the holding process exits for any reason, kill -9 and power loss included, so a crash never
 * leaves a stale lock behind. The file itself holds nothing (its content is never read); it stays
 * in the directory after the lock is released.
 *
 * <p>Within one JVM the lock is per directory as well: a second {@link #acquire} of a directory
 * already locked by this process fails the same way (the JVM reports the overlap itself).
 *
 * <p>Thread-safe: {@link #close()} is idempotent.
 */
public final class StorageLock implements AutoCloseable {
    /** The lock file's name inside the storage directory. */
    public static final String FILE_NAME = ".sextant.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StorageLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code storage} (creating it when missing), or fails at once with a service error that
     * says another process is using it.
     */
    public static StorageLock acquire(Path storage) {
        Path file = storage.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(storage);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ServiceException(
                        "Storage directory " + storage.toAbsolutePath().normalize()
                                + " is in use by another Sextant process (lock " + FILE_NAME
                                + " is held); stop that process first, or use another storage path");
            }
            return new StorageLock(file, channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new ServiceException("Cannot lock storage directory " + storage + ": " + e.getMessage(), e);
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Releases the lock. */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new ServiceException("Cannot release storage lock " + file + ": " + e.getMessage(), e);
        }
    }
}
