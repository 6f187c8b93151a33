package io.sextant.segment.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link PowerCutFileSystem}: performs every operation on the real file system
 * and keeps the {@link SimulatedDisk}'s inode tree in step. Creations, truncations, renames,
 * deletions, links and directory creations are mutations (counted, possibly the power cut); reads
 * and attribute queries pass through but fail after the cut. Thread-safe: mutations are serialized
 * on the disk's monitor.
 */
final class PowerCutProvider extends FileSystemProvider {
    static final String SCHEME = "powercut";
    private final PowerCutFileSystem fs;
    private final SimulatedDisk disk;

    PowerCutProvider(PowerCutFileSystem fs, SimulatedDisk disk) {
        this.fs = fs;
        this.disk = disk;
    }

    private Path real(Path p) {
        return PowerCutPath.unwrap(fs, p);
    }

    private static FileSystemProvider realProvider() {
        return java.nio.file.FileSystems.getDefault().provider();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("Create with PowerCutFileSystem.create");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("Power-cut file systems are not looked up by URI");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("Power-cut file systems are not looked up by URI");
    }

    // ------------------------------------------------------------------ channels

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path real = real(path);
        if (options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("DELETE_ON_CLOSE is not simulated");
        }
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        synchronized (disk) {
            disk.checkAlive();
            SimNode node = disk.lookup(real);
            SimNode parent = disk.parentDir(real);
            boolean create = write
                    && node == null
                    && (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW));
            boolean truncate = write && node != null && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
            if (create && parent == null) {
                if (disk.names(real) == null) {
                    throw new IOException("Cannot create " + real + ": outside the simulated root " + disk.realRoot());
                }
                throw new NoSuchFileException(real.toString(), null, "parent directory does not exist");
            }
            if (write && !create && node == null && disk.names(real) == null) {
                throw new IOException("Cannot write " + real + ": outside the simulated root " + disk.realRoot());
            }
            if (create || truncate) {
                disk.mutate(create ? "create" : "truncate-at-open", real);
            }
            FileChannel ch = realProvider().newFileChannel(real, options, attrs);
            FileChannel reader = ch;
            if (!options.contains(StandardOpenOption.READ) && write) {
                try {
                    reader = realProvider().newFileChannel(real, Set.of(StandardOpenOption.READ));
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
            }
            if (create) {
                node = disk.newNode(false);
                disk.addEntry(parent, SimulatedDisk.entryName(real), node);
            } else if (truncate) {
                node.noteShrink(0);
            }
            return new PowerCutChannel(disk, node, ch, reader, real);
        }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        disk.checkAlive();
        DirectoryStream<Path> real = Files.newDirectoryStream(real(dir), p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = real.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fs.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    // ------------------------------------------------------------------ namespace

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path real = real(dir);
        synchronized (disk) {
            disk.checkAlive();
            if (disk.lookup(real) != null) {
                throw new FileAlreadyExistsException(real.toString());
            }
            SimNode parent = disk.parentDir(real);
            if (parent == null) {
                if (disk.names(real) == null) {
                    throw new IOException("Cannot create " + real + ": outside the simulated root " + disk.realRoot());
                }
                throw new NoSuchFileException(real.toString(), null, "parent directory does not exist");
            }
            disk.mutate("mkdir", real);
            realProvider().createDirectory(real, attrs);
            disk.addEntry(parent, SimulatedDisk.entryName(real), disk.newNode(true));
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        Path real = real(path);
        synchronized (disk) {
            disk.checkAlive();
            SimNode node = disk.lookup(real);
            if (node == null) {
                throw new NoSuchFileException(real.toString());
            }
            if (node.dir && !node.live.isEmpty()) {
                throw new DirectoryNotEmptyException(real.toString());
            }
            disk.mutate(node.dir ? "rmdir" : "unlink", real);
            realProvider().delete(real);
            disk.removeEntry(disk.parentDir(real), SimulatedDisk.entryName(real));
        }
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        Path realLink = real(link);
        Path realExisting = real(existing);
        synchronized (disk) {
            disk.checkAlive();
            SimNode node = disk.lookup(realExisting);
            SimNode parent = disk.parentDir(realLink);
            if (node == null || parent == null) {
                throw new NoSuchFileException(
                        (node == null ? realExisting : realLink).toString(), null, "not in the simulated tree");
            }
            disk.mutate("link", realLink);
            realProvider().createLink(realLink, realExisting);
            disk.addEntry(parent, SimulatedDisk.entryName(realLink), node);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = real(source);
        Path to = real(target);
        Set<CopyOption> opts = new HashSet<>(Arrays.asList(options));
        synchronized (disk) {
            disk.checkAlive();
            SimNode node = disk.lookup(from);
            SimNode toParent = disk.parentDir(to);
            if (node == null || toParent == null) {
                throw new NoSuchFileException((node == null ? from : to).toString(), null, "not in the simulated tree");
            }
            SimNode existing = disk.lookup(to);
            if (existing == node) {
                return;
            }
            if (existing != null && !opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
                throw new FileAlreadyExistsException(to.toString());
            }
            disk.mutate("rename", from);
            realProvider().move(from, to, options);
            disk.moveEntry(disk.parentDir(from), SimulatedDisk.entryName(from), toParent, SimulatedDisk.entryName(to));
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Set<CopyOption> opts = new HashSet<>(Arrays.asList(options));
        if (Files.isDirectory(source)) {
            if (opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
                Files.deleteIfExists(target);
            }
            createDirectory(target);
            return;
        }
        Set<OpenOption> out = new HashSet<>(Set.of(StandardOpenOption.WRITE));
        out.add(
                opts.contains(StandardCopyOption.REPLACE_EXISTING)
                        ? StandardOpenOption.CREATE
                        : StandardOpenOption.CREATE_NEW);
        out.add(StandardOpenOption.TRUNCATE_EXISTING);
        try (FileChannel in = newFileChannel(source, Set.of(StandardOpenOption.READ));
                FileChannel o = newFileChannel(target, out)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (in.read(buf) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    o.write(buf);
                }
                buf.clear();
            }
        }
    }

    // ------------------------------------------------------------------ queries

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        disk.checkAlive();
        return realProvider().isSameFile(real(path), real(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        disk.checkAlive();
        return realProvider().isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        disk.checkAlive();
        return realProvider().getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        disk.checkAlive();
        realProvider().checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return realProvider().getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        disk.checkAlive();
        return realProvider().readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        disk.checkAlive();
        return realProvider().readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        disk.checkAlive();
        realProvider().setAttribute(real(path), attribute, value, options);
    }
}
