package io.sextant.segment.storage;

import io.sextant.segment.error.ServiceException;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * The sparse vectors of one named sparse vector of one segment, by segment offset: held on the heap
 * (sparse vectors are small beside dense ones: 8 bytes per stored dimension) and persisted in an
 * append-only log of records, one per offset that has a vector.
 *
 * <p>Appendable segments append a record per {@link #put} and make them durable with {@link
 * #force} before the segment's points file names the offsets; records of offsets the points file
 * does not cover yet (written after the last flush) are ignored and cut off at open. Immutable
 * segments write the whole file once ({@link #writeFile}).
 *
 * <p>Thread-safety: one writer and any number of concurrent readers; a reader only reads offsets
 * the segment has published to it.
 *
 * <p>File layout (header big-endian, records little-endian):
 *
 * <pre>
 * offset 0   u8[4]  magic "SXSP"
 * offset 4   u32    format version 1
 * offset 8   record*, each:
 *            i32        segment offset
 *            u32        n, number of dimensions (at most {@link #MAX_DIMS})
 *            u32[n]     dimension ids, ascending (unsigned)
 *            f32[n]     weights
 *            u32        CRC32C of the record's bytes before it
 * </pre>
 *
 * At open, records are read up to the first that is torn, fails its checksum, is out of order or
 * names an offset at or past the points file's count; the file is truncated there (appendable) and
 * an offset whose presence bit is set but has no record makes the segment corrupt.
 */
public final class SparseVectorStorage {
    public static final String MAGIC = "SXSP";
    public static final int VERSION = 1;
    /** Largest number of dimensions of one stored vector (keeps a corrupt length from allocating GBs). */
    public static final int MAX_DIMS = 1 << 24;

    private static final int HEADER = FileHeader.SIZE;

    private final Path file;
    private final FileChannel channel; // appendable only
    private volatile AtomicReferenceArray<SparseVector> vectors;
    private long writePosition;
    private long storedDims;
    private volatile int count;

    private SparseVectorStorage(Path file, FileChannel channel, int capacity, long writePosition) {
        this.file = file;
        this.channel = channel;
        this.vectors = new AtomicReferenceArray<>(Math.max(16, capacity));
        this.writePosition = writePosition;
    }

    /** The file name for sparse vector {@code name}: {@code sparse-<hex of UTF-8 name>.bin}. */
    public static String fileName(String name) {
        return "sparse-" + HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8)) + ".bin";
    }

    /** Creates an empty appendable store (the file with its header). */
    public static SparseVectorStorage createAppendable(Path file) {
        try {
            FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ch.truncate(0);
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            FileHeader.write(h, MAGIC, VERSION);
            h.flip();
            while (h.hasRemaining()) {
                ch.write(h, h.position());
            }
            ch.force(true);
            return new SparseVectorStorage(file, ch, 16, HEADER);
        } catch (IOException e) {
            throw new ServiceException("Failed to create " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a store written earlier.
     *
     * @param count the points file's offset count: records at or past it are ignored
     * @param appendable keep the file open for appends (truncated after the last valid record)
     */
    public static SparseVectorStorage open(Path file, int count, boolean appendable) {
        try {
            if (!Files.exists(file)) {
                throw new ServiceException("Segment file " + file + " is missing");
            }
            FileChannel ch = FileChannel.open(
                    file,
                    appendable
                            ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                            : new StandardOpenOption[] {StandardOpenOption.READ});
            long size = ch.size();
            ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 16));
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                // read on
            }
            all.flip();
            FileHeader.check(all, MAGIC, VERSION, file);
            all.order(ByteOrder.LITTLE_ENDIAN);
            SparseVectorStorage s = new SparseVectorStorage(file, appendable ? ch : null, count, HEADER);
            int last = -1;
            while (all.remaining() >= 12) {
                int start = all.position();
                int offset = all.getInt();
                int n = all.getInt();
                if (offset <= last || offset >= count || n < 0 || n > MAX_DIMS || all.remaining() < 8L * n + 4) {
                    break;
                }
                int[] ids = new int[n];
                float[] vals = new float[n];
                all.asIntBuffer().get(ids);
                all.position(all.position() + 4 * n);
                all.asFloatBuffer().get(vals);
                all.position(all.position() + 4 * n);
                int crc = all.getInt();
                CRC32C c = new CRC32C();
                c.update(all.duplicate().position(start).limit(start + 8 + 8 * n));
                if ((int) c.getValue() != crc) {
                    break;
                }
                s.vectors.set(offset, new SparseVector(ids, vals));
                s.storedDims += n;
                s.count++;
                last = offset;
                s.writePosition = all.position();
            }
            if (appendable) {
                if (s.writePosition < size) {
                    ch.truncate(s.writePosition);
                    ch.force(true);
                }
            } else {
                ch.close();
            }
            return s;
        } catch (IOException e) {
            throw new ServiceException("Failed to read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a whole store for an immutable segment, durably (the caller fsyncs the directory). */
    public static void writeFile(Path file, int count, IntFunction<SparseVector> vectorAt) {
        SparseVectorStorage s = createAppendable(file);
        try {
            for (int off = 0; off < count; off++) {
                SparseVector v = vectorAt.apply(off);
                if (v != null) {
                    s.put(off, v);
                }
            }
            s.force();
        } finally {
            s.close();
        }
    }

    /** Stores {@code v} for {@code offset} (greater than every offset stored before). Writer only. */
    public void put(int offset, SparseVector v) {
        if (channel == null) {
            throw new IllegalStateException("Sparse vector store " + file + " is read-only");
        }
        int n = v.size();
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(offset).putInt(n);
        for (int id : v.indices()) {
            b.putInt(id);
        }
        for (float w : v.values()) {
            b.putFloat(w);
        }
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, b.position());
        b.putInt((int) c.getValue());
        b.flip();
        try {
            long pos = writePosition;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
            writePosition = pos;
        } catch (IOException e) {
            throw new ServiceException("Failed to write " + file + ": " + e.getMessage(), e);
        }
        ensureCapacity(offset + 1);
        vectors.set(offset, v);
        storedDims += n;
        count = count + 1;
    }

    /** How many offsets have a stored vector. */
    public int count() {
        return count;
    }

    private void ensureCapacity(int n) {
        AtomicReferenceArray<SparseVector> cur = vectors;
        if (n <= cur.length()) {
            return;
        }
        AtomicReferenceArray<SparseVector> grown =
                new AtomicReferenceArray<>(Math.max(n, cur.length() + (cur.length() >> 1) + 16));
        for (int i = 0; i < cur.length(); i++) {
            grown.set(i, cur.get(i));
        }
        vectors = grown;
    }

    /** The vector stored for {@code offset}, or null. */
    public SparseVector get(int offset) {
        AtomicReferenceArray<SparseVector> v = vectors;
        return offset < v.length() ? v.get(offset) : null;
    }

    /** Whether a vector is stored for {@code offset}. */
    public boolean holds(int offset) {
        return get(offset) != null;
    }

    /** Dimensions stored over all records (live and deleted): 8 bytes each. */
    public long storedDims() {
        return storedDims;
    }

    /** Makes every record written so far durable. */
    public void force() {
        if (channel != null) {
            try {
                channel.force(true);
            } catch (IOException e) {
                throw new ServiceException("Failed to fsync " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a read/write channel after force: nothing left to lose
            }
        }
    }
}
