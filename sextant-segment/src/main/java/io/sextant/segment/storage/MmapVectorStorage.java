package io.sextant.segment.storage;

import io.sextant.index.ScoreFunction;
import io.sextant.index.memory.PlacedFiles;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import io.sextant.vector.VectorKernels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Dense vectors (float32, float16 or uint8 components, {@link VectorElementType}) of one named vector of one segment, in a memory-mapped file addressed by
 * segment offset. Two modes: <b>appendable</b> maps the file in fixed-size chunks and grows it a
 * chunk at a time (existing chunks never move, so readers holding an older chunk array stay
 * valid); <b>read-only</b> holds the written file as its {@link MemoryPlacement} says: cached
 * (mapped and prefaulted), cold (mapped, read on demand) or pinned (a locked off-heap copy).
 *
 * <p>Thread-safety: one writer ({@link #put}) and any number of concurrent readers. A reader may
 * only read offsets published to it by the segment (the segment publishes its count after
 * {@code put}). Mappings use automatic arenas: they are unmapped once unreachable, so a reader
 * still holding a retired segment never touches freed memory.
 *
 * <p>File layout (header big-endian, vectors little-endian):
 *
 * <pre>
 * offset 0   u8[4]   magic "SXVC"
 * offset 4   u32     format version: 1 (float32 only) or 2
 * offset 8   u32     dimension d
 * offset 12  u8      element type (version 2): 0 float32, 1 float16, 2 uint8, 3 turbo4; version 1: 0
 * offset 13  u8[51]  reserved, zero
 * offset 64  e[d]    vector of offset 0, then offset 1, ... (vector o at 64 + o*d*e, e = element bytes;
 *                    turbo4: {@link VectorElementType#vectorBytes} per vector, the code of
 *                    {@code io.sextant.vector.quant.TurboQuantizer#forStorage})
 * </pre>
 *
 * Float32 files are written as version 1, byte for byte what older binaries wrote and read; other
 * element types need version 2, which older binaries refuse with a clear message instead of
 * misreading the bytes.
 *
 * The file holds no count: the segment's points file says how many offsets are valid; bytes past
 * them (preallocated chunk space) are ignored.
 */
public final class MmapVectorStorage implements DenseVectorStore {
    public static final String MAGIC = "SXVC";
    public static final int VERSION = 2;
    public static final int HEADER = 64;
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CHUNK_TARGET_BYTES = 4L << 20;

    private final Path file;
    private final int dim;
    private final VectorElementType type;
    private final long vectorBytes;
    private final boolean appendable;
    private final int chunkVectors;
    private final FileChannel channel; // appendable only
    private volatile MemorySegment[] chunks;

    private MmapVectorStorage(
            Path file,
            int dim,
            VectorElementType type,
            boolean appendable,
            FileChannel channel,
            MemorySegment[] chunks) {
        this.file = file;
        this.dim = dim;
        this.type = type;
        this.vectorBytes = type.vectorBytes(dim);
        this.appendable = appendable;
        this.channel = channel;
        this.chunkVectors = appendable ? (int) Math.max(1, CHUNK_TARGET_BYTES / vectorBytes) : Integer.MAX_VALUE;
        this.chunks = chunks;
    }

    /** Creates (or truncates to empty) an appendable vector file. */
    public static MmapVectorStorage createAppendable(Path file, int dim) {
        return createAppendable(file, dim, VectorElementType.FLOAT32);
    }

    /** Creates (or truncates to empty) an appendable vector file of {@code type} components. */
    public static MmapVectorStorage createAppendable(Path file, int dim, VectorElementType type) {
        try {
            FileChannel ch = FileChannel.open(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            ch.write(header(dim, type), 0);
            ch.force(true);
            return new MmapVectorStorage(file, dim, type, true, ch, new MemorySegment[0]);
        } catch (IOException e) {
            throw new ServiceException("Failed to create vector file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing appendable vector file and maps its chunks. */
    public static MmapVectorStorage openAppendable(Path file, int dim) {
        return openAppendable(file, dim, VectorElementType.FLOAT32);
    }

    /** Opens an existing appendable vector file of {@code type} components and maps its chunks. */
    public static MmapVectorStorage openAppendable(Path file, int dim, VectorElementType type) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            checkHeader(ch, file, dim, type);
            MmapVectorStorage s = new MmapVectorStorage(file, dim, type, true, ch, new MemorySegment[0]);
            long chunkBytes = s.chunkVectors * s.vectorBytes;
            int n = (int) ((ch.size() - HEADER) / chunkBytes);
            MemorySegment[] cs = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                cs[i] = ch.map(FileChannel.MapMode.READ_WRITE, HEADER + i * chunkBytes, chunkBytes, Arena.ofAuto());
            }
            s.chunks = cs;
            return s;
        } catch (IOException e) {
            throw new ServiceException("Failed to open vector file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a finished vector file read-only with {@code count} vectors: cached (mapped and
     * prefaulted) unless {@code onDisk} (cold: mapped, read on demand).
     */
    public static MmapVectorStorage openReadOnly(Path file, int dim, int count, boolean onDisk) {
        return openReadOnly(file, dim, VectorElementType.FLOAT32, count, MemoryPlacement.fromOnDisk(onDisk));
    }

    /** Opens a finished vector file of {@code type} components read-only with {@code count} vectors. */
    public static MmapVectorStorage openReadOnly(
            Path file, int dim, VectorElementType type, int count, boolean onDisk) {
        return openReadOnly(file, dim, type, count, MemoryPlacement.fromOnDisk(onDisk));
    }

    /**
     * Opens a finished vector file of {@code type} components read-only with {@code count} vectors,
     * held as {@code placement} says ({@link MemoryPlacement#residency()}).
     */
    public static MmapVectorStorage openReadOnly(
            Path file, int dim, VectorElementType type, int count, MemoryPlacement placement) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            checkHeader(ch, file, dim, type);
            long bytes = count * type.vectorBytes(dim);
            if (ch.size() < HEADER + bytes) {
                throw new ServiceException("Corrupt vector file " + file + ": " + ch.size() + " bytes cannot hold "
                        + count + " vectors of dimension " + dim);
            }
            MemorySegment seg = PlacedFiles.place(ch, file, HEADER, bytes, placement.residency(), Arena.ofAuto());
            return new MmapVectorStorage(file, dim, type, false, null, new MemorySegment[] {seg});
        } catch (IOException e) {
            throw new ServiceException("Failed to open vector file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Bytes of the vectors resident in RAM now, measured per page ({@link PlacedFiles#residentBytes});
     * read-only storage only, -1 otherwise or when unknown.
     */
    public long residentBytes() {
        return appendable ? -1 : PlacedFiles.residentBytes(chunks[0]);
    }

    /** Bytes of the vectors of a read-only storage; -1 for appendable storage. */
    public long bytes() {
        return appendable ? -1 : chunks[0].byteSize();
    }

    /** Whether the vectors are served from a file mapping (false: a pinned in-memory copy). */
    public boolean mapped() {
        return appendable || chunks[0].isMapped();
    }

    /** Writes a complete vector file (header + vectors in offset order) and fsyncs it. */
    public static void writeFile(Path file, int dim, Iterable<float[]> vectors) {
        writeFile(file, dim, VectorElementType.FLOAT32, vectors);
    }

    /** Writes a complete vector file of {@code type} components and fsyncs it; a null vector is zeros. */
    public static void writeFile(Path file, int dim, VectorElementType type, Iterable<float[]> vectors) {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(header(dim, type));
            int rowBytes = (int) type.vectorBytes(dim);
            ByteBuffer buf = ByteBuffer.allocate(Math.max(1 << 16, rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment view = MemorySegment.ofBuffer(buf);
            float[] zeros = new float[dim];
            for (float[] v : vectors) {
                if (buf.remaining() < rowBytes) {
                    flushBuf(ch, buf);
                }
                type.encode(v == null ? zeros : v, view, buf.position());
                buf.position(buf.position() + rowBytes);
            }
            flushBuf(ch, buf);
            ch.force(true);
        } catch (IOException e) {
            throw new ServiceException("Failed to write vector file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void flushBuf(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    private static ByteBuffer header(int dim, VectorElementType type) {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        FileHeader.write(h, MAGIC, type == VectorElementType.FLOAT32 ? 1 : VERSION);
        h.putInt(dim);
        h.put((byte) type.code());
        h.clear();
        return h;
    }

    private static void checkHeader(FileChannel ch, Path file, int dim, VectorElementType type) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        ch.read(h, 0);
        h.flip();
        if (h.limit() < HEADER) {
            throw new ServiceException("Corrupt vector file " + file + ": " + h.limit() + " bytes is shorter than the "
                    + HEADER + "-byte header");
        }
        int version = FileHeader.check(h, MAGIC, VERSION, file);
        int d = h.getInt();
        if (d != dim) {
            throw new ServiceException(
                    "Vector file " + file + " has dimension " + d + " but the collection expects " + dim);
        }
        int code = version >= 2 ? h.get() & 0xFF : 0;
        if (code != type.code()) {
            throw new ServiceException("Vector file " + file + " stores element type code " + code
                    + " but the collection expects " + type.wireName() + " (code " + type.code() + ")");
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    /** How components are stored. */
    public VectorElementType elementType() {
        return type;
    }

    /** Stores {@code v} at {@code offset}, growing the file by whole chunks when needed. Writer only. */
    @Override
    public void put(int offset, float[] v) {
        if (!appendable) {
            throw new IllegalStateException("Vector storage " + file + " is read-only");
        }
        if (v.length != dim) {
            throw new IllegalArgumentException("Vector dimension " + v.length + " does not match " + dim);
        }
        int c = offset / chunkVectors;
        MemorySegment[] cs = chunks;
        if (c >= cs.length) {
            cs = grow(c + 1);
        }
        MemorySegment seg = cs[c];
        long base = (offset % chunkVectors) * vectorBytes;
        if (type == VectorElementType.FLOAT32) {
            MemorySegment.copy(v, 0, seg, LE_FLOAT, base, dim);
        } else {
            type.encode(v, seg, base);
        }
    }

    private MemorySegment[] grow(int n) {
        MemorySegment[] old = chunks;
        MemorySegment[] cs = java.util.Arrays.copyOf(old, n);
        long chunkBytes = chunkVectors * vectorBytes;
        try {
            for (int i = old.length; i < n; i++) {
                cs[i] = channel.map(
                        FileChannel.MapMode.READ_WRITE, HEADER + i * chunkBytes, chunkBytes, Arena.ofAuto());
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to grow vector file " + file + ": " + e.getMessage(), e);
        }
        chunks = cs;
        return cs;
    }

    /**
     * The float32 rows of a read-only storage as one segment (vector {@code o} at byte {@code o * d *
     * 4}), for index builders and scorers; null for appendable storage, whose chunks are not
     * contiguous, and for other element types (decode with {@link #get} instead).
     */
    @Override
    public MemorySegment rows() {
        return appendable || type != VectorElementType.FLOAT32 ? null : chunks[0];
    }

    /** Whether the rows are copied into resident memory (read-only and not on disk). */
    public boolean appendableMode() {
        return appendable;
    }

    /** A copy of the vector at {@code offset}. */
    @Override
    public float[] get(int offset) {
        MemorySegment[] cs = chunks;
        int c = offset / chunkVectors;
        float[] out = new float[dim];
        type.decode(cs[c], (offset % chunkVectors) * vectorBytes, out);
        return out;
    }

    /**
     * The vector at {@code offset} as it is scored: {@link #get}, normalized when {@code
     * normalize} (Cosine over uint8, see {@link io.sextant.segment.config.VectorSpec#normalizesOnScore}).
     */
    @Override
    public float[] scoringVector(int offset, boolean normalize) {
        float[] v = get(offset);
        return normalize ? Similarity.normalize(v) : v;
    }

    /** Similarity of {@code q} to the vector at {@code offset}, normalizing the stored one when {@code normalize}. */
    @Override
    public float score(Distance distance, float[] q, int offset, boolean normalize) {
        if (type == VectorElementType.FLOAT32) {
            MemorySegment[] cs = chunks;
            int c = offset / chunkVectors;
            return Similarity.score(distance, q, cs[c], (offset % chunkVectors) * vectorBytes);
        }
        return Similarity.score(distance, q, scoringVector(offset, normalize));
    }

    @Override
    public float similarity(ScoreFunction f, float[][] q, int offset, boolean normalize) {
        return similarity(f, VectorKernels.get(), q[0], offset, normalize);
    }

    /** The graph-side similarity of {@code q} (one vector) to the vector at {@code offset}. */
    public float similarity(ScoreFunction f, VectorKernels kernels, float[] q, int offset, boolean normalize) {
        if (type == VectorElementType.FLOAT32) {
            MemorySegment[] cs = chunks;
            int c = offset / chunkVectors;
            return f.compare(kernels, q, cs[c], (offset % chunkVectors) * vectorBytes);
        }
        return f.compare(kernels, q, scoringVector(offset, normalize));
    }

    /** Similarity of {@code q} to the vector at {@code offset}. */
    public float score(Distance distance, float[] q, int offset) {
        return score(distance, q, offset, false);
    }

    /**
     * Whether the vector at {@code offset} lies in the mapped chunks (appendable). Read-only files
     * were checked to hold their count when opened and answer true.
     */
    @Override
    public boolean holds(int offset) {
        return offset >= 0 && (long) offset < (long) chunks.length * chunkVectors;
    }

    /**
     * Forces written vectors to disk (appendable mode; no-op otherwise): each mapped chunk (msync),
     * then the file's channel (fsync, which on Linux also writes the mapped pages and the size). The
     * channel force is what file systems that wrap the default one (the power-cut simulator in
     * tests) can see.
     */
    @Override
    public void force() {
        if (!appendable) {
            return;
        }
        for (MemorySegment s : chunks) {
            s.force();
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new ServiceException("Failed to fsync vector file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes the file handle; mappings are released when unreachable. */
    @Override
    public void close() {
        if (!appendable) {
            PlacedFiles.release(chunks[0], file); // gives up its pages; readers still using it fault them in again
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new ServiceException("Failed to close vector file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** File name for a vector name: {@code vectors-<hex of UTF-8 name>.bin} ("" gives {@code vectors-.bin}). */
    public static String fileName(String vectorName) {
        return "vectors-"
                + java.util.HexFormat.of().formatHex(vectorName.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + ".bin";
    }

    /** Whether the file exists. */
    public static boolean exists(Path dir, String vectorName) {
        return Files.exists(dir.resolve(fileName(vectorName)));
    }
}
