package io.sextant.segment.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A test-only file system that simulates power loss, in the manner of Lucene's and SQLite's crash
 * tests: code under test runs on it unchanged (it only sees {@link Path}s of this file system), a
 * "power cut" freezes it at a chosen mutation, and {@link #materialize} writes what a disk would
 * hold after the cut into a fresh real directory, from which the test reopens the storage through
 * a new instance.
 *
 * <p><b>Backing.</b> Every path is a real path of the default file system (same string) under
 * {@link #root()}; files really live there, so {@code FileChannel.map} works and mapped writes go
 * straight to the real file. Everything already in the root when the file system is created counts
 * as durable. Paths outside the root can be read, never changed.
 *
 * <p><b>Model (Linux ext4-like, pessimistic).</b>
 *
 * <ul>
 *   <li>A file (inode) has live content (the real file) and durable content: the live content as
 *       of its last successful {@code FileChannel.force} (fsync or fdatasync, through any channel
 *       of that file, including writes made through a {@code MAP_SHARED} mapping: Linux's fsync
 *       writes those pages too). A file never forced has empty durable content.
 *   <li>A directory has live entries (name → inode) and durable entries: the live entries as of
 *       its last fsync ({@code FileChannel.open(dir, READ).force(true)}). Creating, renaming,
 *       deleting, linking or making a directory changes live entries only; a rename moves the
 *       inode between live entries, so the old name vanishes and the new one appears durably only
 *       when the respective directory is fsynced; a deleted file stays in the durable namespace
 *       until its directory is fsynced. A directory's own entry in its parent is durable only
 *       after the parent is fsynced.
 *   <li>{@code MemorySegment.force} / {@code MappedByteBuffer.force} (msync) are invisible to the
 *       simulator: code must fsync the file's channel, or its mapped writes are lost at the cut.
 * </ul>
 *
 * <p><b>Crash modes.</b> {@link CrashMode#DROP_UNSYNCED}: the surviving image is exactly the durable
 * state. {@link CrashMode#TORN}: additionally a random (seeded) subset of the unsynced changes
 * reached the disk before the cut: each dirty page with probability 1/2, a quarter of those torn
 * (only a prefix of 512-byte sectors written), the file length anywhere between the durable and
 * the live length, and each namespace operation (create, rename, delete, mkdir, link) not yet
 * covered by an fsync of its directory with probability 1/2, atomically (a rename moves the entry
 * or leaves it; POSIX promises no order between unsynced operations, so any subset may survive);
 * fixed at the moment of the cut.
 *
 * <p><b>Mutations and the cut.</b> Every mutating operation is counted: write, truncate (also
 * {@code TRUNCATE_EXISTING} at open), create, map, fsync of a file or a directory, mkdir, rename,
 * delete, link. {@link #cutAtMutation(long)} (or {@link #cutWhen}) chooses the mutation that
 * instead of happening cuts the power; {@link #cutNow} cuts from the test. From the cut on, every
 * operation of this file system and its channels (except {@code close}) throws {@link
 * PowerCutException} (an {@code IOException}), so code that keeps running cannot change the
 * surviving image; writes into old mappings reach only the old real files, which {@link
 * #materialize} does not read.
 *
 * <p>Thread-safe: mutations are serialized on one lock.
 */
public final class PowerCutFileSystem extends FileSystem {
    /** What survives a cut besides the durable state. */
    public enum CrashMode {
        /** Every unsynced byte and directory change is lost. */
        DROP_UNSYNCED,
        /** A random subset of unsynced pages and entries survives; some pages are torn. */
        TORN
    }

    /**
     * A mutating operation, as offered to {@link #cutWhen}.
     *
     * @param index 1-based count of mutations on this file system, this one included
     * @param kind write, truncate, truncate-at-open, create, map, fsync, fsync-dir, mkdir, rename,
     *     unlink, rmdir or link
     * @param path the real path operated on (the source of a rename)
     */
    public record Mutation(long index, String kind, Path path) {}

    private final SimulatedDisk disk;
    private final PowerCutProvider provider;
    private volatile boolean open = true;

    private PowerCutFileSystem(Path realRoot, CrashMode mode, long seed) throws IOException {
        this.disk = new SimulatedDisk(realRoot, mode, seed);
        this.provider = new PowerCutProvider(this, disk);
    }

    /**
     * A simulated file system over the existing real directory {@code realRoot}, whose current
     * content is taken as durable.
     *
     * @param seed drives the {@link CrashMode#TORN} choices
     */
    public static PowerCutFileSystem create(Path realRoot, CrashMode mode, long seed) throws IOException {
        return new PowerCutFileSystem(realRoot, mode, seed);
    }

    SimulatedDisk disk() {
        return disk;
    }

    Path wrap(Path real) {
        return new PowerCutPath(this, real);
    }

    /** The root directory, as a path of this file system. */
    public Path root() {
        return wrap(disk.realRoot());
    }

    /** Number of mutating operations so far (the cut one included). */
    public long mutations() {
        return disk.mutations();
    }

    /** Cuts the power instead of performing mutation number {@code index} (1-based, absolute). */
    public void cutAtMutation(long index) {
        disk.cutAt(index);
    }

    /** Cuts the power instead of performing the first mutation that {@code when} accepts. */
    public void cutWhen(Predicate<Mutation> when) {
        disk.cutWhen(when);
    }

    /** Cuts the power now (no-op when already cut). */
    public void cutNow() {
        disk.cut("by the test at mutation #" + disk.mutations());
    }

    /** Whether the power was cut. */
    public boolean isCut() {
        return disk.cutDescription() != null;
    }

    /** Where the power was cut, or null. */
    public String cutDescription() {
        return disk.cutDescription();
    }

    /**
     * Writes the image that survives the cut into the empty (or missing) real directory {@code
     * freshRealDir}; cuts the power first when it was not cut yet. Reopen it with a new {@link
     * #create}.
     */
    public void materialize(Path freshRealDir) throws IOException {
        disk.materialize(freshRealDir);
    }

    /** Cuts the power (if not yet) and closes every real file descriptor still open. */
    @Override
    public void close() throws IOException {
        cutNow();
        open = false;
        List<FileChannel> channels = new ArrayList<>();
        synchronized (disk) {
            disk.release(channels::add);
        }
        IOException first = null;
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return FileSystems.getDefault().getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> out = new ArrayList<>();
        FileSystems.getDefault().getRootDirectories().forEach(p -> out.add(wrap(p)));
        return out;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return FileSystems.getDefault().getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return FileSystems.getDefault().supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(FileSystems.getDefault().getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return p -> m.matches(PowerCutPath.unwrap(this, p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("The power-cut simulator has no watch service");
    }

    @Override
    public String toString() {
        return "PowerCutFileSystem[" + disk.realRoot() + "]";
    }
}
