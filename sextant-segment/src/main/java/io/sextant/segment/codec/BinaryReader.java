package io.sextant.segment.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads what {@link BinaryWriter} wrote (see its class Javadoc for the composite layouts). Every
 * count and length is checked against the bytes left before anything is allocated, so a corrupt
 * count fails fast instead of exhausting memory. Use {@link #decode} to run a whole decoder: it
 * turns truncation, bad tags, trailing bytes and values refused by domain constructors into one
 * {@link CorruptEncodingException} naming what was being decoded. Not thread-safe.
 */
public final class BinaryReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteBuffer in;
    private final String what;

    private BinaryReader(byte[] data, String what) {
        this.in = ByteBuffer.wrap(data);
        this.what = what;
    }

    /**
     * Decodes {@code data} as one {@code what} with {@code decoder}, requiring that it consumes every
     * byte.
     *
     * @throws CorruptEncodingException when the bytes are not exactly one well-formed value
     */
    public static <T> T decode(byte[] data, String what, Function<BinaryReader, T> decoder) {
        BinaryReader r = new BinaryReader(data, what);
        T value;
        try {
            value = decoder.apply(r);
        } catch (CorruptEncodingException e) {
            throw e;
        } catch (BufferUnderflowException e) {
            throw new CorruptEncodingException(
                    "Corrupt " + what + ": truncated, " + data.length + " bytes end inside a field", e);
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            throw new CorruptEncodingException(
                    "Corrupt " + what + " of " + data.length + " bytes: " + e.getMessage(), e);
        }
        if (r.in.hasRemaining()) {
            throw new CorruptEncodingException(
                    "Corrupt " + what + ": " + r.in.remaining() + " trailing bytes after a complete value");
        }
        return value;
    }

    /** Reads the version byte and fails unless it is {@code expected}. */
    public void expectVersion(int expected) {
        if (!in.hasRemaining()) {
            throw corrupt("empty message, expected version byte " + expected);
        }
        int v = u8();
        if (v != expected) {
            throw new CorruptEncodingException(
                    what + " format version " + v + " is not supported, expected " + expected);
        }
    }

    /** An exception naming the value being decoded and {@code problem}. */
    public CorruptEncodingException corrupt(String problem) {
        return new CorruptEncodingException("Corrupt " + what + ": " + problem);
    }

    /** Whether every byte was read (for a message with an optional tail added by a later version). */
    public boolean atEnd() {
        return !in.hasRemaining();
    }

    public int u8() {
        return in.get() & 0xff;
    }

    public boolean bool() {
        int b = u8();
        if (b > 1) {
            throw corrupt("boolean byte " + b + ", expected 0 or 1");
        }
        return b == 1;
    }

    public int i32() {
        return in.getInt();
    }

    public long i64() {
        return in.getLong();
    }

    public float f32() {
        return in.getFloat();
    }

    public double f64() {
        return in.getDouble();
    }

    /**
     * A count of items of at least {@code minBytes} each, checked against the bytes left.
     *
     * @throws CorruptEncodingException when negative or larger than the rest can hold
     */
    public int count(int minBytes) {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytes > in.remaining()) {
            throw corrupt(
                    "count " + n + " of " + minBytes + "-byte items exceeds the " + in.remaining() + " bytes left");
        }
        return n;
    }

    public String str() {
        return utf8(count(1));
    }

    public String optStr() {
        int len = in.getInt();
        if (len == -1) {
            return null;
        }
        in.position(in.position() - 4);
        return str();
    }

    /** The next {@code len} bytes (a length read before with {@link #count(int)} {@code (1)}). */
    public byte[] bytes(int len) {
        if (len < 0 || len > in.remaining()) {
            throw corrupt(len + " bytes asked, " + in.remaining() + " left");
        }
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }

    private String utf8(int len) {
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public List<String> strs() {
        int n = count(4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(str());
        }
        return out;
    }

    public ObjectNode json() {
        int len = in.getInt();
        if (len == -1) {
            return null;
        }
        in.position(in.position() - 4);
        len = count(1);
        try {
            if (!(JSON.readTree(in.array(), in.position(), len) instanceof ObjectNode n)) {
                throw corrupt("JSON value is not an object");
            }
            in.position(in.position() + len);
            return n;
        } catch (IOException e) {
            throw new CorruptEncodingException("Corrupt JSON in " + what + ": " + e.getMessage(), e);
        }
    }

    public PointId id() {
        int kind = u8();
        return switch (kind) {
            case 0 -> new PointId.Num(in.getLong());
            case 1 -> new PointId.Uuid(new UUID(in.getLong(), in.getLong()));
            default -> throw corrupt("unknown point id kind " + kind + ", expected 0 or 1");
        };
    }

    public PointId optId() {
        return bool() ? id() : null;
    }

    public List<PointId> ids() {
        int n = count(9);
        List<PointId> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(id());
        }
        return out;
    }

    public float[] floats() {
        float[] v = new float[count(4)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.getFloat();
        }
        return v;
    }

    public Map<String, float[]> dense() {
        int n = nullableCount(8);
        if (n < 0) {
            return null;
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(str(), floats());
        }
        return out;
    }

    public SparseVector sparseVector() {
        int nnz = count(8);
        int[] dims = new int[nnz];
        float[] weights = new float[nnz];
        for (int i = 0; i < nnz; i++) {
            dims[i] = in.getInt();
        }
        for (int i = 0; i < nnz; i++) {
            weights[i] = in.getFloat();
        }
        return new SparseVector(dims, weights);
    }

    public Map<String, SparseVector> sparse() {
        int n = nullableCount(8);
        if (n < 0) {
            return null;
        }
        Map<String, SparseVector> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(str(), sparseVector());
        }
        return out;
    }

    /** A count, or -1 for null. */
    private int nullableCount(int minBytes) {
        int n = in.getInt();
        if (n == -1) {
            return -1;
        }
        in.position(in.position() - 4);
        return count(minBytes);
    }
}
