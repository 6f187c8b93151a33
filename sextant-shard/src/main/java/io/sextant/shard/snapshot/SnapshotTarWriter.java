package io.sextant.shard.snapshot;

import io.sextant.segment.error.ServiceException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a snapshot archive: a POSIX (pax) tar, uncompressed (vectors barely compress and
 * restores should run at disk speed), whose SHA-256 is computed while writing. The first entry
 * should be {@link SnapshotManifest#ENTRY_NAME}.
 *
 * <p>The file is created new and only {@link #finish()} makes it complete (tar trailer, fsync);
 * {@link #close()} without {@code finish()} deletes it, so a failure (a full disk included) never
 * leaves a partial archive behind. Callers stage the file under a temporary name and rename it
 * into place after {@code finish()}. Not thread-safe.
 */
public final class SnapshotTarWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final TarArchiveOutputStream tar;
    private long bytes;
    private boolean finished;
    private boolean closed;

    private SnapshotTarWriter(Path file, FileChannel channel, MessageDigest digest, TarArchiveOutputStream tar) {
        this.file = file;
        this.channel = channel;
        this.digest = digest;
        this.tar = tar;
    }

    /** Creates {@code file}, which must not exist. */
    public static SnapshotTarWriter create(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            MessageDigest md = sha256();
            // the tar stream keeps its last block until it is closed; closing must not close the
            // channel, which finish() forces only after that block is written
            OutputStream toChannel = new java.io.FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            OutputStream out = new DigestOutputStream(new BufferedOutputStream(toChannel, BUFFER), md);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            return new SnapshotTarWriter(file, ch, md, tar);
        } catch (IOException e) {
            throw new ServiceException("Failed to create snapshot file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Adds an entry with these bytes. */
    public void addBytes(String name, byte[] content) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            e.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            bytes += content.length;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Adds an entry with the first {@code length} bytes of {@code source}. */
    public void addFile(String name, Path source, long length) {
        try (InputStream in = Files.newInputStream(source)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(length);
            e.setModTime(Files.getLastModifiedTime(source).toMillis());
            tar.putArchiveEntry(e);
            byte[] buf = new byte[BUFFER];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(source + " is shorter than the " + length + " bytes captured");
                }
                tar.write(buf, 0, n);
                left -= n;
            }
            tar.closeArchiveEntry();
            bytes += length;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Payload bytes added so far (without tar headers). */
    public long payloadBytes() {
        return bytes;
    }

    /**
     * Writes the tar trailer, then every buffered byte (the tar stream holds its last block until
     * closed), fsyncs and closes the file: every byte the returned hash covers is durable.
     *
     * @return the SHA-256 of the whole file, lower-case hex
     */
    public String finish() {
        try {
            tar.finish();
            tar.close(); // writes the last block and flushes every buffer; the channel stays open
            closed = true;
            channel.force(true);
            channel.close();
            finished = true;
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private ServiceException failure(IOException e) {
        return new ServiceException("Failed to write snapshot " + file + ": " + e.getMessage(), e);
    }

    /** Closes; deletes the file unless {@link #finish()} completed. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                tar.close();
            } catch (IOException | RuntimeException e) {
                // the file is deleted below anyway
            }
        }
        try {
            channel.close(); // idempotent; open here when finish() failed at its fsync
        } catch (IOException e) {
            // ignore
        }
        if (!finished) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // best effort; staging directories are swept as well
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
