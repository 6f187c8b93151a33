package io.sextant.collection.backup;

import io.sextant.collection.AtomicFiles;
import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link BlobStore} in a local directory: key {@code a/b/c} is file {@code <root>/a/b/c}. A put
 * writes {@code <key>.<uuid>.tmp}, fsyncs it, renames it into place and fsyncs the directory, so a
 * visible object is always complete and durable; leftover {@code .tmp} files of a crash are never
 * listed (and swept with unreferenced blobs). Thread-safe (the file system arbitrates).
 */
public final class LocalBlobStore implements BlobStore {
    private static final String TMP = ".tmp";
    private final Path root;

    public LocalBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private Path path(String key) {
        return root.resolve(BlobStore.checkKey(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public void putBytes(String key, byte[] content) {
        Path target = path(key);
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + TMP);
        try {
            AtomicFiles.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDir(target.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // swept later
            }
            throw new ServiceException("Failed to store " + key + " in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ServiceException("Failed to read " + key + " in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new ServiceException("Failed to delete " + key + " in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        List<Entry> out = new ArrayList<>();
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : path(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(start)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix) && !key.endsWith(TMP)) {
                    out.add(new Entry(key, Files.size(p)));
                }
            }
        } catch (NoSuchFileException e) {
            // deleted while listing: not listed
        } catch (IOException e) {
            throw new ServiceException("Failed to list " + location() + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public String location() {
        return "local:" + root;
    }
}
