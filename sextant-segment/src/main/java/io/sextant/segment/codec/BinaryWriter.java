package io.sextant.segment.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.sparse.SparseVector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Appends big-endian primitives and the shared composite forms of Sextant's binary encodings to a
 * growing byte array; {@link BinaryReader} reads them back. The composite layouts, used by every
 * codec built on this class:
 *
 * <pre>
 * str        u32 length + UTF-8 bytes
 * opt str    i32 length (-1 = null) + UTF-8 bytes
 * json       i32 length (-1 = null) + UTF-8 JSON object
 * id         u8 kind (0 number: u64 | 1 UUID: u64 most, u64 least significant bits)
 * opt id     u8 present (0/1) + [id]
 * ids        u32 n + n x id
 * strs       u32 n + n x str
 * dense      i32 n (-1 = null map) + n x (str name, u32 dim, dim x f32)
 * sparse vec u32 nnz + nnz x u32 dimension id + nnz x f32 weight
 * sparse     i32 n (-1 = null map) + n x (str name, sparse vec)
 * </pre>
 *
 * Maps keep their iteration order. Not thread-safe; one writer per message.
 */
public final class BinaryWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public BinaryWriter u8(int v) {
        out.write(v);
        return this;
    }

    public BinaryWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public BinaryWriter i32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public BinaryWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    public BinaryWriter f32(float v) {
        return i32(Float.floatToRawIntBits(v));
    }

    public BinaryWriter f64(double v) {
        return i64(Double.doubleToRawLongBits(v));
    }

    /** A non-negative count (for example a collection's size). */
    public BinaryWriter count(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + n);
        }
        return i32(n);
    }

    public BinaryWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public BinaryWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        count(b.length);
        return bytes(b);
    }

    public BinaryWriter optStr(String s) {
        return s == null ? i32(-1) : str(s);
    }

    public BinaryWriter strs(Collection<String> list) {
        count(list.size());
        list.forEach(this::str);
        return this;
    }

    public BinaryWriter json(ObjectNode node) {
        if (node == null) {
            return i32(-1);
        }
        try {
            byte[] b = JSON.writeValueAsBytes(node);
            count(b.length);
            return bytes(b);
        } catch (JsonProcessingException e) {
            throw new ServiceException("Cannot encode a payload as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public BinaryWriter id(PointId id) {
        switch (id) {
            case PointId.Num n -> u8(0).i64(n.value());
            case PointId.Uuid u ->
                u8(1).i64(u.value().getMostSignificantBits()).i64(u.value().getLeastSignificantBits());
        }
        return this;
    }

    public BinaryWriter optId(PointId id) {
        bool(id != null);
        return id == null ? this : id(id);
    }

    public BinaryWriter ids(Collection<PointId> ids) {
        count(ids.size());
        ids.forEach(this::id);
        return this;
    }

    public BinaryWriter floats(float[] v) {
        count(v.length);
        for (float f : v) {
            f32(f);
        }
        return this;
    }

    public BinaryWriter dense(Map<String, float[]> vectors) {
        if (vectors == null) {
            return i32(-1);
        }
        count(vectors.size());
        vectors.forEach((name, v) -> str(name).floats(v));
        return this;
    }

    public BinaryWriter sparseVector(SparseVector v) {
        count(v.size());
        for (int d : v.indices()) {
            i32(d);
        }
        for (float w : v.values()) {
            f32(w);
        }
        return this;
    }

    public BinaryWriter sparse(Map<String, SparseVector> vectors) {
        if (vectors == null) {
            return i32(-1);
        }
        count(vectors.size());
        vectors.forEach((name, v) -> str(name).sparseVector(v));
        return this;
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
