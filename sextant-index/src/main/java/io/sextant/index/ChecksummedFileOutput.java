package io.sextant.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Writes an index file durably: buffered little-endian output to {@code <name>.tmp} with a running
 * CRC32C, then {@link #commit} appends the CRC32C of every byte written, forces the file to disk,
 * renames it atomically over {@code <name>} and fsyncs the directory. A crash before the rename
 * leaves the old file (or none); after it, the complete new one. {@link #close()} without commit
 * deletes the temporary file. Not thread-safe; one per file being written.
 */
public final class ChecksummedFileOutput implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path target;
    private final Path tmp;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private boolean committed;

    public ChecksummedFileOutput(Path target) throws IOException {
        this.target = target;
        this.tmp = target.resolveSibling(target.getFileName() + ".tmp");
        this.ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    public void putInt(int v) throws IOException {
        if (buf.remaining() < 4) {
            flush();
        }
        buf.putInt(v);
    }

    public void putLong(long v) throws IOException {
        if (buf.remaining() < 8) {
            flush();
        }
        buf.putLong(v);
    }

    public void putZeros(int ints) throws IOException {
        for (int i = 0; i < ints; i++) {
            putInt(0);
        }
    }

    /** Writes {@code bytes[0 .. length-1]}. */
    public void put(byte[] bytes, int length) throws IOException {
        int off = 0;
        while (off < length) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), length - off);
            buf.put(bytes, off, n);
            off += n;
        }
    }

    /** Appends the CRC32C of everything written, forces, renames over the target, fsyncs the dir. */
    public void commit() throws IOException {
        flush();
        buf.putInt((int) crc.getValue());
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
        ch.force(true);
        ch.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            ch.close();
            Files.deleteIfExists(tmp);
        }
    }

    private void flush() throws IOException {
        buf.flip();
        crc.update(buf.duplicate());
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    /** Fsyncs a directory so that a rename in it is durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
            dirChannel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename itself is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
