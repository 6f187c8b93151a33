package io.sextant.shard.snapshot;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only view of the default file system that records what a power cut would lose: files
 * written since their last {@code force}, and directories whose entries (files or directories
 * created, moved or deleted in them) changed since the directory itself was last forced. Paths
 * of this file system wrap default paths; everything else is delegated. Thread-safe.
 */
final class SyncTrackingFileSystem extends FileSystem {
    private final FileSystem inner = FileSystems.getDefault();
    private final Provider provider = new Provider();
    private final Set<Path> dirtyFiles = ConcurrentHashMap.newKeySet();
    private final Set<Path> dirtyDirs = ConcurrentHashMap.newKeySet();

    /** This file system's view of a default path. */
    Path wrap(Path p) {
        return new TPath(p);
    }

    /** Files written and not forced since, as default paths. */
    Set<Path> unsyncedFiles() {
        return Set.copyOf(dirtyFiles);
    }

    /** Directories with entry changes not forced since, as default paths. */
    Set<Path> unsyncedDirectories() {
        return Set.copyOf(dirtyDirs);
    }

    private static Path unwrap(Path p) {
        if (p instanceof TPath t) {
            return t.p;
        }
        throw new IllegalArgumentException("not a path of this file system: " + p.getClass());
    }

    private void entryChanged(Path realChild) {
        Path parent = realChild.toAbsolutePath().getParent();
        if (parent != null) {
            dirtyDirs.add(parent);
        }
    }

    // ------------------------------------------------------------------ FileSystem

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return inner.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> out = new ArrayList<>();
        inner.getRootDirectories().forEach(r -> out.add(wrap(r)));
        return out;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return inner.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return inner.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(inner.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = inner.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(unwrap(p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return inner.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException();
    }

    // ------------------------------------------------------------------ Path

    private final class TPath implements Path {
        final Path p;

        TPath(Path p) {
            this.p = p;
        }

        private Path w(Path q) {
            return q == null ? null : new TPath(q);
        }

        @Override
        public FileSystem getFileSystem() {
            return SyncTrackingFileSystem.this;
        }

        @Override
        public boolean isAbsolute() {
            return p.isAbsolute();
        }

        @Override
        public Path getRoot() {
            return w(p.getRoot());
        }

        @Override
        public Path getFileName() {
            return w(p.getFileName());
        }

        @Override
        public Path getParent() {
            return w(p.getParent());
        }

        @Override
        public int getNameCount() {
            return p.getNameCount();
        }

        @Override
        public Path getName(int index) {
            return w(p.getName(index));
        }

        @Override
        public Path subpath(int beginIndex, int endIndex) {
            return w(p.subpath(beginIndex, endIndex));
        }

        @Override
        public boolean startsWith(Path other) {
            return other instanceof TPath t && p.startsWith(t.p);
        }

        @Override
        public boolean endsWith(Path other) {
            return other instanceof TPath t && p.endsWith(t.p);
        }

        @Override
        public Path normalize() {
            return w(p.normalize());
        }

        @Override
        public Path resolve(Path other) {
            return w(p.resolve(unwrap(other)));
        }

        @Override
        public Path relativize(Path other) {
            return w(p.relativize(unwrap(other)));
        }

        @Override
        public URI toUri() {
            return p.toUri();
        }

        @Override
        public Path toAbsolutePath() {
            return w(p.toAbsolutePath());
        }

        @Override
        public Path toRealPath(LinkOption... options) throws IOException {
            return w(p.toRealPath(options));
        }

        @Override
        public File toFile() {
            throw new UnsupportedOperationException("not the default file system");
        }

        @Override
        public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int compareTo(Path other) {
            return p.compareTo(unwrap(other));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TPath t && p.equals(t.p);
        }

        @Override
        public int hashCode() {
            return p.hashCode();
        }

        @Override
        public String toString() {
            return p.toString();
        }
    }

    // ------------------------------------------------------------------ provider

    private final class Provider extends FileSystemProvider {
        private final FileSystemProvider d = inner.provider();

        @Override
        public String getScheme() {
            return "synctrack";
        }

        @Override
        public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileSystem getFileSystem(URI uri) {
            return SyncTrackingFileSystem.this;
        }

        @Override
        public Path getPath(URI uri) {
            return wrap(d.getPath(uri));
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... a)
                throws IOException {
            return newFileChannel(path, options, a);
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... a)
                throws IOException {
            Path real = unwrap(path);
            boolean existed = Files.exists(real);
            FileChannel ch = d.newFileChannel(real, options, a);
            if (!existed) {
                entryChanged(real);
            }
            if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && existed) {
                dirtyFiles.add(real);
            }
            return new TrackingChannel(ch, real);
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            DirectoryStream<Path> s = d.newDirectoryStream(unwrap(dir), q -> filter.accept(wrap(q)));
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    Iterator<Path> it = s.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Path next() {
                            return wrap(it.next());
                        }
                    };
                }

                @Override
                public void close() throws IOException {
                    s.close();
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            d.createDirectory(unwrap(dir), attrs);
            entryChanged(unwrap(dir));
        }

        @Override
        public void delete(Path path) throws IOException {
            Path real = unwrap(path);
            d.delete(real);
            dirtyFiles.remove(real);
            dirtyDirs.remove(real);
            entryChanged(real);
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) throws IOException {
            d.copy(unwrap(source), unwrap(target), options);
            dirtyFiles.add(unwrap(target));
            entryChanged(unwrap(target));
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            d.move(unwrap(source), unwrap(target), options);
            entryChanged(unwrap(source));
            entryChanged(unwrap(target));
        }

        @Override
        public boolean isSameFile(Path path, Path path2) throws IOException {
            return d.isSameFile(unwrap(path), unwrap(path2));
        }

        @Override
        public boolean isHidden(Path path) throws IOException {
            return d.isHidden(unwrap(path));
        }

        @Override
        public FileStore getFileStore(Path path) throws IOException {
            return d.getFileStore(unwrap(path));
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            d.checkAccess(unwrap(path), modes);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return d.getFileAttributeView(unwrap(path), type, options);
        }

        @Override
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            return d.readAttributes(unwrap(path), type, options);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
                throws IOException {
            return d.readAttributes(unwrap(path), attributes, options);
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
            d.setAttribute(unwrap(path), attribute, value, options);
        }
    }

    // ------------------------------------------------------------------ channel

    /** Marks its file dirty on every write and clean on force (a directory: its entries). */
    private final class TrackingChannel extends FileChannel {
        private final FileChannel ch;
        private final Path real;

        TrackingChannel(FileChannel ch, Path real) {
            this.ch = ch;
            this.real = real;
        }

        private <T> T wrote(T result) {
            dirtyFiles.add(real);
            return result;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ch.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return wrote(ch.write(src));
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return wrote(ch.write(srcs, offset, length));
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            ch.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            ch.truncate(size);
            return wrote(this);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ch.force(metaData);
            dirtyFiles.remove(real);
            dirtyDirs.remove(real);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return ch.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return wrote(ch.transferFrom(src, position, count));
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return ch.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return wrote(ch.write(src, position));
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("mapping is not tracked");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return ch.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return ch.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            ch.close();
        }
    }
}
