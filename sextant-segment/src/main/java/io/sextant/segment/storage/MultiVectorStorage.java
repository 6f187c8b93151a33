package io.sextant.segment.storage;

import io.sextant.index.ScoreFunction;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import io.sextant.vector.VectorKernels;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The multivectors of one named vector of one segment: each point holds one or more vectors of
 * {@link #dim()} components, compared by max_sim. Two files: the vectors themselves, one after the
 * other in an {@link MmapVectorStorage} file ({@code vectors-<hex name>.bin}, addressed by <i>inner
 * ordinal</i>), and an offsets file ({@code multivec-<hex name>.bin}) saying which inner ordinals
 * belong to which segment offset. Values are exchanged as the point's vectors concatenated (a
 * {@code float[]} of {@code count * dim}).
 *
 * <p>Offsets file layout (header big-endian, records little-endian):
 *
 * <pre>
 * offset 0   u8[4]   magic "SXMV"
 * offset 4   u32     format version: 1
 * offset 8   u32     dimension d
 * offset 12  u8[52]  reserved, zero
 * offset 64  record of segment offset 0, then 1, ... (record o at 64 + 12*o):
 *              u64   first inner ordinal of the point's vectors
 *              u32   number of vectors; 0 = no value at this offset
 * </pre>
 *
 * Records are contiguous: the first inner ordinal of record o is the first of record o-1 plus its
 * count (record 0 starts at 0), which {@link #openAppendable} and {@link #openReadOnly} check, so a
 * corrupt record is refused instead of read as another point's vectors. Like the vector file the
 * offsets file holds no count: the segment's points file says how many offsets are valid; records
 * past them (written before a crash, never acknowledged by a flush) are ignored and overwritten,
 * as are inner vectors past the last valid record. A missing record reads as "no value".
 *
 * <p>Thread-safety: one writer ({@link #put}, offsets in increasing order) and any number of
 * readers of published offsets; the per-offset arrays are replaced copy-on-grow.
 */
public final class MultiVectorStorage implements DenseVectorStore {
    public static final String MAGIC = "SXMV";
    public static final int VERSION = 1;
    static final int HEADER = 64;
    static final int RECORD = 12;

    private final Path file;
    private final int dim;
    private final MmapVectorStorage inner;
    private final FileChannel channel; // appendable only
    private volatile long[] starts;
    private volatile int[] counts;
    private int records; // appendable: records written
    private long innerCount; // appendable: next free inner ordinal

    private MultiVectorStorage(
            Path file,
            int dim,
            MmapVectorStorage inner,
            FileChannel channel,
            long[] starts,
            int[] counts,
            int records) {
        this.file = file;
        this.dim = dim;
        this.inner = inner;
        this.channel = channel;
        this.starts = starts;
        this.counts = counts;
        this.records = records;
        this.innerCount = records == 0 ? 0 : starts[records - 1] + counts[records - 1];
    }

    /** The offsets file name of vector {@code vectorName}: {@code multivec-<hex of UTF-8 name>.bin}. */
    public static String fileName(String vectorName) {
        return "multivec-"
                + java.util.HexFormat.of().formatHex(vectorName.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + ".bin";
    }

    /** Creates (or truncates to empty) the appendable files of {@code vectorName} in {@code dir}. */
    public static MultiVectorStorage createAppendable(Path dir, String vectorName, int dim, VectorElementType type) {
        Path f = dir.resolve(fileName(vectorName));
        MmapVectorStorage inner =
                MmapVectorStorage.createAppendable(dir.resolve(MmapVectorStorage.fileName(vectorName)), dim, type);
        try {
            FileChannel ch = FileChannel.open(
                    f,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            ch.write(header(dim), 0);
            ch.force(true);
            return new MultiVectorStorage(f, dim, inner, ch, new long[64], new int[64], 0);
        } catch (IOException e) {
            throw new ServiceException("Failed to create multivector file " + f + ": " + e.getMessage(), e);
        }
    }

    /** Opens the appendable files of {@code vectorName}; {@code count} offsets are valid. */
    public static MultiVectorStorage openAppendable(
            Path dir, String vectorName, int dim, VectorElementType type, int count) {
        Path f = dir.resolve(fileName(vectorName));
        MmapVectorStorage inner =
                MmapVectorStorage.openAppendable(dir.resolve(MmapVectorStorage.fileName(vectorName)), dim, type);
        try {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long[] starts = new long[Math.max(64, count)];
            int[] counts = new int[starts.length];
            int n = readRecords(ch, f, dim, count, starts, counts);
            MultiVectorStorage s = new MultiVectorStorage(f, dim, inner, ch, starts, counts, n);
            s.checkInner();
            return s;
        } catch (IOException e) {
            throw new ServiceException("Failed to open multivector file " + f + ": " + e.getMessage(), e);
        }
    }

    /** Opens finished files read-only with {@code count} offsets; vectors resident unless {@code onDisk}. */
    public static MultiVectorStorage openReadOnly(
            Path dir, String vectorName, int dim, VectorElementType type, int count, boolean onDisk) {
        return openReadOnly(dir, vectorName, dim, type, count, MemoryPlacement.fromOnDisk(onDisk));
    }

    /** Opens finished files read-only with {@code count} offsets; the vectors placed per {@code placement}. */
    public static MultiVectorStorage openReadOnly(
            Path dir, String vectorName, int dim, VectorElementType type, int count, MemoryPlacement placement) {
        Path f = dir.resolve(fileName(vectorName));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long[] starts = new long[count];
            int[] counts = new int[count];
            int n = readRecords(ch, f, dim, count, starts, counts);
            long total = n == 0 ? 0 : starts[n - 1] + counts[n - 1];
            if (total > Integer.MAX_VALUE) {
                throw new ServiceException("Corrupt multivector file " + f + ": " + total + " vectors");
            }
            MmapVectorStorage inner = MmapVectorStorage.openReadOnly(
                    dir.resolve(MmapVectorStorage.fileName(vectorName)), dim, type, (int) total, placement);
            return new MultiVectorStorage(f, dim, inner, null, starts, counts, n);
        } catch (IOException e) {
            throw new ServiceException("Failed to open multivector file " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes finished files for {@code values} (segment offset order, null = no value) and fsyncs
     * them.
     */
    public static void writeFiles(
            Path dir, String vectorName, int dim, VectorElementType type, java.util.List<float[]> values) {
        java.util.List<float[]> vectors = new java.util.ArrayList<>();
        Path f = dir.resolve(fileName(vectorName));
        try (FileChannel ch = FileChannel.open(
                f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(header(dim));
            ByteBuffer buf = ByteBuffer.allocate(RECORD * 4096).order(ByteOrder.LITTLE_ENDIAN);
            long next = 0;
            for (float[] v : values) {
                int k = v == null ? 0 : v.length / dim;
                if (buf.remaining() < RECORD) {
                    flush(ch, buf);
                }
                buf.putLong(next).putInt(k);
                for (int i = 0; i < k; i++) {
                    vectors.add(Arrays.copyOfRange(v, i * dim, (i + 1) * dim));
                }
                next += k;
            }
            flush(ch, buf);
            ch.force(true);
        } catch (IOException e) {
            throw new ServiceException("Failed to write multivector file " + f + ": " + e.getMessage(), e);
        }
        MmapVectorStorage.writeFile(dir.resolve(MmapVectorStorage.fileName(vectorName)), dim, type, vectors);
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    private static ByteBuffer header(int dim) {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        FileHeader.write(h, MAGIC, VERSION);
        h.putInt(dim);
        h.clear();
        return h;
    }

    /** Reads up to {@code count} records (fewer when the file is shorter), checking contiguity. */
    private static int readRecords(FileChannel ch, Path f, int dim, int count, long[] starts, int[] counts)
            throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        ch.read(h, 0);
        h.flip();
        if (h.limit() < HEADER) {
            throw new ServiceException("Corrupt multivector file " + f + ": " + h.limit()
                    + " bytes is shorter than the " + HEADER + "-byte header");
        }
        FileHeader.check(h, MAGIC, VERSION, f);
        int d = h.getInt();
        if (d != dim) {
            throw new ServiceException(
                    "Multivector file " + f + " has dimension " + d + " but the collection expects " + dim);
        }
        int n = (int) Math.min(count, (ch.size() - HEADER) / RECORD);
        ByteBuffer buf = ByteBuffer.allocate(n * RECORD).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining() && ch.read(buf, HEADER + buf.position()) > 0) {}
        buf.flip();
        long expected = 0;
        for (int o = 0; o < n; o++) {
            long start = buf.getLong();
            int k = buf.getInt();
            if (start != expected || k < 0) {
                throw new ServiceException("Corrupt multivector file " + f + ": record " + o + " says " + k
                        + " vectors from " + start + ", expected vectors from " + expected);
            }
            starts[o] = start;
            counts[o] = k;
            expected += k;
        }
        return n;
    }

    private void checkInner() {
        if (innerCount > 0 && !inner.holds((int) (innerCount - 1))) {
            throw new ServiceException("Corrupt multivector storage " + file + ": records name " + innerCount
                    + " vectors but the vector file ends before them");
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    /** The stored vectors, by inner ordinal (for quantization). */
    public MmapVectorStorage inner() {
        return inner;
    }

    /** Number of inner vectors of the valid offsets (deleted points included). */
    public long innerCount() {
        return innerCount;
    }

    /** The first inner ordinal of {@code offset}'s vectors. */
    public long start(int offset) {
        long[] s = starts;
        return offset < s.length ? s[offset] : 0;
    }

    /** The number of vectors at {@code offset}; 0 when there is no value. */
    public int count(int offset) {
        int[] c = counts;
        return offset < c.length ? c[offset] : 0;
    }

    @Override
    public void put(int offset, float[] v) {
        if (channel == null) {
            throw new IllegalStateException("Multivector storage " + file + " is read-only");
        }
        if (v.length == 0 || v.length % dim != 0) {
            throw new IllegalArgumentException(
                    "Multivector of " + v.length + " floats is not a whole number of " + dim + "-dimensional vectors");
        }
        if (offset < records) {
            throw new IllegalStateException("Multivector offset " + offset + " written already");
        }
        int k = v.length / dim;
        for (int i = 0; i < k; i++) {
            inner.put(Math.toIntExact(innerCount + i), Arrays.copyOfRange(v, i * dim, (i + 1) * dim));
        }
        ensureRecords(offset + 1);
        ByteBuffer buf = ByteBuffer.allocate(RECORD * (offset + 1 - records)).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = records; o < offset; o++) { // offsets without a value in between
            buf.putLong(innerCount).putInt(0);
            starts[o] = innerCount;
            counts[o] = 0;
        }
        buf.putLong(innerCount).putInt(k);
        buf.flip();
        try {
            long pos = HEADER + (long) records * RECORD;
            while (buf.hasRemaining()) {
                pos += channel.write(buf, pos);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to write multivector file " + file + ": " + e.getMessage(), e);
        }
        starts[offset] = innerCount;
        counts[offset] = k;
        records = offset + 1;
        innerCount += k;
    }

    private void ensureRecords(int n) {
        if (n <= starts.length) {
            return;
        }
        int cap = Math.max(n, starts.length + (starts.length >> 1) + 16);
        long[] s = Arrays.copyOf(starts, cap);
        int[] c = Arrays.copyOf(counts, cap);
        starts = s;
        counts = c;
    }

    @Override
    public float[] get(int offset) {
        long first = start(offset);
        int k = count(offset);
        float[] out = new float[k * dim];
        for (int i = 0; i < k; i++) {
            System.arraycopy(inner.get((int) (first + i)), 0, out, i * dim, dim);
        }
        return out;
    }

    @Override
    public float[] scoringVector(int offset, boolean normalize) {
        float[] v = get(offset);
        return normalize ? normalizeEach(v, dim) : v;
    }

    /** {@code v} (vectors of {@code dim} concatenated) with each vector scaled to unit length. */
    public static float[] normalizeEach(float[] v, int dim) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i += dim) {
            float[] one = Similarity.normalize(Arrays.copyOfRange(v, i, i + dim));
            System.arraycopy(one, 0, out, i, dim);
        }
        return out;
    }

    /** {@code flat} (vectors of {@code dim} concatenated) split into its vectors. */
    public static float[][] split(float[] flat, int dim) {
        float[][] out = new float[flat.length / dim][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        return out;
    }

    @Override
    public float score(Distance distance, float[] q, int offset, boolean normalize) {
        return ScoreFunction.toDistanceScore(
                distance, similarity(ScoreFunction.of(distance), split(q, dim), offset, normalize));
    }

    @Override
    public float similarity(ScoreFunction f, float[][] q, int offset, boolean normalize) {
        long first = start(offset);
        int k = count(offset);
        VectorKernels kernels = VectorKernels.get();
        float sum = 0;
        for (float[] qi : q) {
            float best = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float s = inner.similarity(f, kernels, qi, (int) (first + j), normalize);
                if (s > best) {
                    best = s;
                }
            }
            sum += best;
        }
        return sum;
    }

    @Override
    public boolean holds(int offset) {
        return count(offset) > 0 && offset < records;
    }

    @Override
    public MemorySegment rows() {
        return null;
    }

    /** Forces the vectors, then the offsets records. */
    @Override
    public void force() {
        if (channel == null) {
            return;
        }
        inner.force();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new ServiceException("Failed to fsync multivector file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        inner.close();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new ServiceException("Failed to close multivector file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Whether the offsets file of {@code vectorName} exists in {@code dir}. */
    public static boolean exists(Path dir, String vectorName) {
        return Files.exists(dir.resolve(fileName(vectorName)));
    }
}
