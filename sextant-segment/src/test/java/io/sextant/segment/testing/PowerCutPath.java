package io.sextant.segment.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of a {@link PowerCutFileSystem}: a real path of the default file system (the same
 * string), bound to the simulated file system so that every {@code Files} call on it goes through
 * the simulator. {@link #toFile()} throws, as for any non-default file system, so code that would
 * bypass the simulator fails loudly. Immutable and thread-safe.
 */
final class PowerCutPath implements Path {
    private final PowerCutFileSystem fs;
    private final Path delegate;

    PowerCutPath(PowerCutFileSystem fs, Path delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** The real path behind {@code p}, which must belong to {@code fs}. */
    static Path unwrap(PowerCutFileSystem fs, Path p) {
        if (p instanceof PowerCutPath pp && pp.fs == fs) {
            return pp.delegate;
        }
        throw new ProviderMismatchException(
                "Not a path of " + fs + ": " + p + " (" + p.getClass().getName() + ")");
    }

    Path delegate() {
        return delegate;
    }

    private Path wrap(Path p) {
        return p == null ? null : new PowerCutPath(fs, p);
    }

    private Path other(Path p) {
        return unwrap(fs, p);
    }

    @Override
    public PowerCutFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof PowerCutPath pp && pp.fs == fs && delegate.startsWith(pp.delegate);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof PowerCutPath pp && pp.fs == fs && delegate.endsWith(pp.delegate);
    }

    @Override
    public Path normalize() {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(delegate.resolve(other(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(delegate.relativize(other(other)));
    }

    @Override
    public URI toUri() {
        try {
            return new URI(
                    PowerCutProvider.SCHEME, null, delegate.toAbsolutePath().toString(), null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Path " + delegate + " has no URI form: " + e.getMessage(), e);
        }
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        fs.disk().checkAlive();
        return wrap(delegate.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("The power-cut simulator has no watch service");
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(other(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PowerCutPath pp && pp.fs == fs && pp.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
