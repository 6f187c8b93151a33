package io.sextant.shard.snapshot;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads snapshot archives written by {@link SnapshotTarWriter}: validates the leading {@link
 * SnapshotManifest} (format, version, kind) before anything is written, then extracts regular
 * files only, refusing absolute paths, {@code ..} segments, links and devices, and failing on a
 * truncated archive. Every problem with the input is a {@link UserException} (bad request) that
 * names the file; extraction goes into a directory the caller discards on failure. Stateless and
 * thread-safe.
 */
public final class SnapshotTarReader {
    private static final int BUFFER = 1 << 20;

    private SnapshotTarReader() {}

    /** Reads and validates only the manifest (first entry) of {@code archive}. */
    public static SnapshotManifest readManifest(Path archive, String expectedKind) {
        try (TarArchiveInputStream tar = open(archive)) {
            return manifest(tar, expectedKind, archive);
        } catch (IOException e) {
            throw notASnapshot(archive, e);
        }
    }

    /**
     * Extracts {@code archive} into {@code target} (created) after validating its manifest.
     *
     * @return the manifest
     * @throws UserException for a foreign, newer, truncated or malicious archive
     * @throws ServiceException when writing the extracted files fails (disk full, permissions)
     */
    public static SnapshotManifest extract(Path archive, Path target, String expectedKind) {
        try (TarArchiveInputStream tar = open(archive)) {
            SnapshotManifest manifest = manifest(tar, expectedKind, archive);
            Path root = target.toAbsolutePath().normalize();
            Files.createDirectories(root);
            byte[] buf = new byte[BUFFER];
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path dst = safePath(root, e, archive);
                if (e.isDirectory()) {
                    Files.createDirectories(dst);
                    continue;
                }
                Files.createDirectories(dst.getParent());
                long expected = e.getSize();
                long written = 0;
                try (OutputStream out = writeNew(dst)) {
                    int n;
                    while ((n = tar.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        written += n;
                    }
                } catch (FileAlreadyExistsException twice) {
                    throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                            + " holds the entry " + e.getName() + " twice");
                } catch (IOException io) {
                    if (io.getMessage() != null && io.getMessage().contains("runcated")) {
                        throw io;
                    }
                    throw new ServiceException(
                            "Failed to extract " + e.getName() + " from " + archive + " into " + dst + ": "
                                    + io.getMessage(),
                            io);
                }
                if (written != expected) {
                    throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                            + " is truncated: entry " + e.getName() + " has " + written + " of " + expected
                            + " bytes");
                }
            }
            return manifest;
        } catch (IOException e) {
            throw notASnapshot(archive, e);
        }
    }

    private static OutputStream writeNew(Path dst) throws IOException {
        return Files.newOutputStream(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

    private static Path safePath(Path root, TarArchiveEntry e, Path archive) {
        String name = e.getName();
        if (!(e.isFile() || e.isDirectory())) {
            throw UserException.badRequest("Wrong input: snapshot " + archive.getFileName()
                    + " holds an unsupported entry (link or device): " + name);
        }
        Path p;
        try {
            p = root.resolve(name).normalize();
        } catch (InvalidPathException bad) {
            throw UserException.badRequest(
                    "Wrong input: snapshot " + archive.getFileName() + " holds an invalid path: " + bad.getMessage());
        }
        if (name.startsWith("/") || name.contains("..") || !p.startsWith(root) || p.equals(root)) {
            throw UserException.badRequest(
                    "Wrong input: snapshot " + archive.getFileName() + " holds an unsafe path: " + name);
        }
        return p;
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
