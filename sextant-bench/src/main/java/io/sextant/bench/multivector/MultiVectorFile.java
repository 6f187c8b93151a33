package io.sextant.bench.multivector;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * The multivector file of the wordnet-multivec data set ({@code base.mv}, {@code query.mv}): a list
 * of points, each a list of one or more float32 vectors of one dimension. Little-endian throughout.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x564D5853 (the bytes "SXMV")
 * 4       4     format version, 1
 * 8       4     dim, vector dimension (&gt; 0)
 * 12      4     count, number of points (&gt;= 0)
 * 16      8     vectors, total number of vectors over all points
 * 24      ...   count records: int32 n (&gt;= 1, vectors of this point), then n x dim float32
 * end-4   4     CRC32C of every byte before it
 * </pre>
 *
 * <p>Readers reject a wrong magic, an unknown version, a record count or vector total that does not
 * add up, trailing or missing bytes and a CRC mismatch, naming the file and the offending values.
 * Written to a temporary name and renamed. Stateless.
 */
public final class MultiVectorFile {
    static final int MAGIC = 0x564D5853;
    static final int VERSION = 1;
    private static final int HEADER = 24;

    private MultiVectorFile() {}

    /** Writes {@code points} (each {@code [vectors][dim]}) to {@code file}. */
    public static void write(Path file, int dim, float[][][] points) throws IOException {
        long vectors = 0;
        for (int p = 0; p < points.length; p++) {
            if (points[p].length == 0) {
                throw new IllegalArgumentException("point " + p + " has no vectors");
            }
            for (float[] v : points[p]) {
                if (v.length != dim) {
                    throw new IllegalArgumentException(
                            "point " + p + " has a vector of " + v.length + " dims, expected " + dim);
                }
            }
            vectors += points[p].length;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC)
                    .putInt(VERSION)
                    .putInt(dim)
                    .putInt(points.length)
                    .putLong(vectors);
            emit(out, crc, header.array());
            for (float[][] point : points) {
                ByteBuffer rec = ByteBuffer.allocate(4 + point.length * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
                rec.putInt(point.length);
                for (float[] v : point) {
                    for (float x : v) {
                        rec.putFloat(x);
                    }
                }
                emit(out, crc, rec.array());
            }
            out.write(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) crc.getValue())
                    .array());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a file written by {@link #write}; the points as {@code [point][vector][dim]}. */
    public static float[][][] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER + 4) {
            throw new IOException(
                    file + ": " + bytes.length + " bytes, shorter than the " + (HEADER + 4) + "-byte minimum");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new IOException(
                    file + ": magic 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw new IOException(file + ": format version " + version + ", this reader knows " + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(file + ": CRC32C 0x" + Integer.toHexString((int) crc.getValue())
                    + " does not match the stored 0x" + Integer.toHexString(stored) + " (corrupt or truncated)");
        }
        int dim = in.getInt();
        int count = in.getInt();
        long vectors = in.getLong();
        if (dim <= 0 || count < 0 || vectors < count) {
            throw new IOException(file + ": bad header dim " + dim + ", count " + count + ", vectors " + vectors);
        }
        int end = bytes.length - 4;
        float[][][] points = new float[count][][];
        long seen = 0;
        for (int p = 0; p < count; p++) {
            if (end - in.position() < 4) {
                throw new IOException(file + ": point " + p + " of " + count + " starts past the data");
            }
            int n = in.getInt();
            if (n < 1 || (long) n * dim * 4 > end - in.position()) {
                throw new IOException(
                        file + ": point " + p + " claims " + n + " vectors, " + (end - in.position()) + " bytes left");
            }
            points[p] = new float[n][dim];
            for (float[] v : points[p]) {
                for (int d = 0; d < dim; d++) {
                    v[d] = in.getFloat();
                }
            }
            seen += n;
        }
        if (in.position() != end) {
            throw new IOException(file + ": " + (end - in.position()) + " bytes after the last point");
        }
        if (seen != vectors) {
            throw new IOException(file + ": header says " + vectors + " vectors, the records hold " + seen);
        }
        return points;
    }

    private static void emit(OutputStream out, CRC32C crc, byte[] bytes) throws IOException {
        crc.update(bytes);
        out.write(bytes);
    }
}
