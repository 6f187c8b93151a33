package io.sextant.shard.snapshot;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.storage.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads snapshot archives written by {@link SnapshotTarWriter}. Extraction runs in two passes over
 * the archive:
 *
 * <ol>
 *   <li><b>Check</b>, writing nothing: the leading {@link SnapshotManifest} (format, version,
 *       kind), then every entry header. Only regular files (type flag {@code '0'} or NUL) and
 *       directories (flag {@code '5'}) are accepted; symbolic and hard links, character and block
 *       devices, FIFOs, contiguous files, GNU/PAX/star sparse entries and anything else are refused
 *       by their raw type flag (commons-compress reports several of them as files), as are a link
 *       name on a file, a bad header checksum, absolute paths, {@code ..} segments, paths escaping
 *       the target, duplicate paths and a file where a directory must go. The declared sizes are
 *       summed and checked against {@link Limits#maxExpandedBytes} and the free space of the target
 *       file system; the archive is read to its end, so a truncated one is refused here too.
 *   <li><b>Write</b>: every file is created new, written through a {@link FileChannel} and forced
 *       ({@code fsync}) before the next one; bytes are counted against the limit again as they are
 *       written; at the end every directory of the tree, and the directory holding the target, is
 *       fsynced. So once {@link #extract} returns, the extracted tree survives a power cut, and the
 *       caller may rename it into place.
 * </ol>
 *
 * The target must not exist; on any failure it is deleted again, so a refused or failed archive
 * leaves nothing behind. Every problem with the input is a {@link UserException} (bad request, or
 * too large) that names the archive and the entry. Stateless and thread-safe.
 */
public final class SnapshotTarReader {
    private static final int BUFFER = 1 << 20;

    /**
     * Bounds on what one archive may expand to.
     *
     * @param maxExpandedBytes the sum of the sizes of the extracted files
     * @param maxEntries entries after the manifest (bounds the memory of the checks)
     */
    public record Limits(long maxExpandedBytes, int maxEntries) {
        /** 256 GiB and one million entries. */
        public static final Limits DEFAULTS = new Limits(256L << 30, 1_000_000);

        public Limits {
            if (maxExpandedBytes < 1) {
                throw new IllegalArgumentException("maxExpandedBytes must be >= 1, got " + maxExpandedBytes);
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
            }
        }

        /** The same entry bound with another byte bound. */
        public static Limits ofBytes(long maxExpandedBytes) {
            return new Limits(maxExpandedBytes, DEFAULTS.maxEntries());
        }
    }

    private SnapshotTarReader() {}

    /** Reads and validates only the manifest (first entry) of {@code archive}. */
    public static SnapshotManifest readManifest(Path archive, String expectedKind) {
        try (TarArchiveInputStream tar = open(archive)) {
            return manifest(tar, expectedKind, archive);
        } catch (IOException e) {
            throw notASnapshot(archive, e);
        }
    }

    /** {@link #extract(Path, Path, String, Limits)} with {@link Limits#DEFAULTS}. */
    public static SnapshotManifest extract(Path archive, Path target, String expectedKind) {
        return extract(archive, target, expectedKind, Limits.DEFAULTS);
    }

    /**
     * Checks {@code archive} completely, then extracts it durably into {@code target} (created;
     * it must not exist).
     *
     * @return the manifest
     * @throws UserException for a foreign, newer, truncated, malicious or oversized archive
     *     (nothing is written then)
     * @throws ServiceException when writing the extracted files fails (disk full, permissions);
     *     {@code target} is removed again
     */
    public static SnapshotManifest extract(Path archive, Path target, String expectedKind, Limits limits) {
        Path root = target.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            throw new IllegalArgumentException("extraction target must not exist, got " + root);
        }
        long declared = check(archive, root, expectedKind, limits);
        checkFreeSpace(archive, root, declared);
        try {
            return write(archive, root, expectedKind, limits);
        } catch (RuntimeException | Error e) {
            try {
                AtomicFiles.deleteTree(root);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Pass 1: validates every header and returns the declared expanded size. Writes nothing. */
    private static long check(Path archive, Path root, String expectedKind, Limits limits) {
        try (TarArchiveInputStream tar = open(archive)) {
            manifest(tar, expectedKind, archive);
            Set<Path> files = new HashSet<>();
            Set<Path> dirs = new HashSet<>();
            long bytes = 0;
            int entries = 0;
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName() + " has more than "
                            + limits.maxEntries() + " entries");
                }
                Path p = safePath(root, e, archive);
                if (e.isDirectory()) {
                    if (files.contains(p)) {
                        throw conflict(archive, e);
                    }
                    dirs.add(p);
                    continue;
                }
                if (e.getSize() < 0) {
                    throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName() + " entry "
                            + e.getName() + " has a negative size " + e.getSize());
                }
                bytes += e.getSize();
                checkExpanded(archive, bytes, limits);
                if (dirs.contains(p) || !files.add(p)) {
                    throw conflict(archive, e);
                }
                for (Path a = p.getParent(); !a.equals(root); a = a.getParent()) {
                    if (files.contains(a)) {
                        throw conflict(archive, e);
                    }
                    dirs.add(a);
                }
            }
            return bytes;
        } catch (IOException ex) {
            throw notASnapshot(archive, ex);
        }
    }

    /** Pass 2: writes and fsyncs every entry, then every directory. */
    private static SnapshotManifest write(Path archive, Path root, String expectedKind, Limits limits) {
        try (TarArchiveInputStream tar = open(archive)) {
            SnapshotManifest manifest = manifest(tar, expectedKind, archive);
            Files.createDirectories(root);
            byte[] buf = new byte[BUFFER];
            long total = 0;
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path dst = safePath(root, e, archive);
                if (e.isDirectory()) {
                    Files.createDirectories(dst);
                    continue;
                }
                Files.createDirectories(dst.getParent());
                long written = copy(tar, e, dst, buf, archive, total, limits);
                total += written;
                if (written != e.getSize()) {
                    throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                            + " is truncated: entry " + e.getName() + " has " + written + " of " + e.getSize()
                            + " bytes");
                }
            }
            fsyncTree(root);
            return manifest;
        } catch (IOException e) {
            throw notASnapshot(archive, e);
        }
    }

    /** Copies the current entry into a new file and forces it; returns the bytes written. */
    private static long copy(
            TarArchiveInputStream tar,
            TarArchiveEntry e,
            Path dst,
            byte[] buf,
            Path archive,
            long before,
            Limits limits)
            throws IOException {
        long written = 0;
        try (FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = readEntry(tar, buf, archive)) > 0) {
                checkExpanded(archive, before + written + n, limits);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                written += n;
            }
            out.force(true);
        } catch (IOException io) {
            throw new ServiceException(
                    "Failed to extract " + e.getName() + " from " + archive + " into " + dst + ": " + io.getMessage(),
                    io);
        }
        return written;
    }

    /** Reads from the archive; its errors (a truncated archive) are the input's fault. */
    private static int readEntry(TarArchiveInputStream tar, byte[] buf, Path archive) {
        try {
            return tar.read(buf);
        } catch (IOException e) {
            throw notASnapshot(archive, e);
        }
    }

    /** Fsyncs every directory under {@code root} (deepest first), {@code root} and its parent. */
    private static void fsyncTree(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(Files::isDirectory)
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path d : dirs) {
            AtomicFiles.fsyncDir(d);
        }
        AtomicFiles.fsyncDir(root.getParent());
    }

    private static void checkExpanded(Path archive, long bytes, Limits limits) {
        if (bytes > limits.maxExpandedBytes()) {
            throw new UserException(
                    UserException.Kind.TOO_LARGE,
                    "Payload too large: snapshot " + archive.getFileName() + " expands to more than "
                            + limits.maxExpandedBytes()
                            + " bytes, the limit (storage.snapshots_config.max_restore_bytes)");
        }
    }

    private static void checkFreeSpace(Path archive, Path root, long bytes) {
        Path existing = root.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException | UnsupportedOperationException e) {
            return; // no figure: the write itself reports a full disk
        }
        if (free < bytes) {
            throw new ServiceException("No space left on device: snapshot " + archive.getFileName() + " expands to "
                    + bytes + " bytes but only " + free + " bytes are free under " + existing);
        }
    }

    private static TarArchiveInputStream open(Path archive) throws IOException {
        return new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive), BUFFER));
    }

    private static SnapshotManifest manifest(TarArchiveInputStream tar, String expectedKind, Path archive)
            throws IOException {
        TarArchiveEntry first = tar.getNextEntry();
        if (first == null || !SnapshotManifest.ENTRY_NAME.equals(first.getName())) {
            throw UserException.badRequest("Wrong input: " + archive.getFileName()
                    + " is not a Sextant snapshot: it does not start with " + SnapshotManifest.ENTRY_NAME
                    + (first == null ? " (empty archive)" : " (first entry is " + first.getName() + ")"));
        }
        if (!isRegularFile(first)) {
            throw unsupported(archive, first);
        }
        if (first.getSize() > (1 << 24)) {
            throw UserException.badRequest("Wrong input: " + archive.getFileName() + " has an oversized "
                    + SnapshotManifest.ENTRY_NAME + " of " + first.getSize() + " bytes");
        }
        byte[] bytes = tar.readNBytes((int) first.getSize());
        if (bytes.length != first.getSize()) {
            throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName() + " is truncated");
        }
        return SnapshotManifest.parse(bytes, expectedKind, archive.getFileName().toString());
    }

    /** A plain regular file by its raw type flag, not by commons-compress's lenient isFile(). */
    private static boolean isRegularFile(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM)
                && !e.getName().endsWith("/")
                && !e.isSparse()
                && !e.isSymbolicLink()
                && !e.isLink()
                && (e.getLinkName() == null || e.getLinkName().isEmpty());
    }

    private static boolean isPlainDirectory(TarArchiveEntry e) {
        return e.getLinkFlag() == TarConstants.LF_DIR && !e.isSparse();
    }

    private static Path safePath(Path root, TarArchiveEntry e, Path archive) {
        if (!(isRegularFile(e) || isPlainDirectory(e)) || !e.isCheckSumOK()) {
            throw unsupported(archive, e);
        }
        String name = e.getName();
        Path p;
        try {
            p = root.resolve(name).normalize();
        } catch (InvalidPathException bad) {
            throw UserException.badRequest(
                    "Wrong input: snapshot " + archive.getFileName() + " holds an invalid path: " + bad.getMessage());
        }
        if (name.startsWith("/")
                || name.contains("\\")
                || name.contains("..")
                || name.indexOf('\0') >= 0
                || !p.startsWith(root)
                || p.equals(root)) {
            throw UserException.badRequest(
                    "Wrong input: snapshot " + archive.getFileName() + " holds an unsafe path: " + name);
        }
        return p;
    }

    private static UserException unsupported(Path archive, TarArchiveEntry e) {
        return UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                + " holds an unsupported entry " + e.getName() + " of type '" + describe(e)
                + "': only regular files and directories are allowed");
    }

    private static String describe(TarArchiveEntry e) {
        if (!e.isCheckSumOK()) {
            return "bad header checksum";
        }
        if (e.isSymbolicLink()) {
            return "symbolic link";
        }
        if (e.isLink()) {
            return "hard link";
        }
        if (e.isCharacterDevice()) {
            return "character device";
        }
        if (e.isBlockDevice()) {
            return "block device";
        }
        if (e.isFIFO()) {
            return "FIFO";
        }
        if (e.isSparse()) {
            return "sparse file";
        }
        return "type flag " + (char) e.getLinkFlag();
    }

    private static UserException conflict(Path archive, TarArchiveEntry e) {
        return UserException.badRequest("Wrong input: snapshot " + archive.getFileName() + " holds entry " + e.getName()
                + " twice, or a file where a directory must be");
    }

    private static UserException notASnapshot(Path archive, IOException e) {
        return UserException.badRequest("Wrong input: " + archive.getFileName()
                + " is not a readable Sextant snapshot (truncated or not a tar archive): " + e.getMessage());
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) {
        MessageDigest md = SnapshotTarWriter.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
