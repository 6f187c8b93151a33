package io.sextant.shard.wal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.vector.sparse.SparseVector;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Binary encoding of {@link PointOperation}s as WAL record payloads. Filter selectors are not
 * encodable: the shard resolves them to ids before logging, so replay is deterministic.
 *
 * <p>Layout, version 1, big-endian; {@code str} = u16 length + UTF-8, {@code json} = i32 length
 * (-1 = null) + UTF-8 JSON, {@code id} = u8 kind (0 number, 1 UUID) + u64 (or 2 x u64), {@code ids}
 * = u32 n + n x id, {@code vecs} = u16 n + n x (str name, u32 dim, dim x f32), {@code sparse} = u16 n
 * + n x (str name, u32 nnz, nnz x u32 dimension id, nnz x f32 weight):
 *
 * <pre>
 * u8 format version = 1, u8 type, then per type:
 *  1 Upsert            u32 n, n x (id, vecs, json payload)
 *  2 Delete            ids
 *  3 SetPayload        json payload, u8 has key, [str key], ids
 *  4 OverwritePayload  json payload, ids
 *  5 DeletePayload     u16 n, n x str key, ids
 *  6 ClearPayload      ids
 *  7 UpdateVectors     u32 n, n x (id, vecs)
 *  8 DeleteVectors     ids, u16 n, n x str name
 *  9 CreateFieldIndex  str field, json spec (see {@link #specToJson})
 * 10 DeleteFieldIndex  str field
 * 11 Upsert            u32 n, n x (id, vecs, sparse, json payload)   (points with sparse vectors)
 * 12 UpdateVectors     u32 n, n x (id, vecs, sparse)                 (points with sparse vectors)
 * </pre>
 *
 * An operation without sparse vectors is written as type 1 or 7, byte for byte what binaries
 * without sparse vectors wrote.
 *
 * New operation types get new numbers; existing layouts never change within a version.
 * Stateless and thread-safe.
 */
public final class OperationCodec {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OperationCodec() {}

    public static byte[] encode(PointOperation op) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            switch (op) {
                case PointOperation.Upsert u -> {
                    if (!u.isPlain()) {
                        throw new IllegalArgumentException("conditional upsert (mode " + u.mode() + ", filter "
                                + u.updateFilter() + ") must be resolved by the shard before it is logged");
                    }
                    boolean sparse =
                            u.points().stream().anyMatch(p -> !p.sparseVectors().isEmpty());
                    out.writeByte(sparse ? 11 : 1);
                    out.writeInt(u.points().size());
                    for (PointOperation.PointStruct p : u.points()) {
                        writeId(out, p.id());
                        writeVecs(out, p.vectors());
                        if (sparse) {
                            writeSparse(out, p.sparseVectors());
                        }
                        writeJson(out, p.payload());
                    }
                }
                case PointOperation.Delete d -> {
                    out.writeByte(2);
                    writeIds(out, d.selector());
                }
                case PointOperation.SetPayload s -> {
                    out.writeByte(3);
                    writeJson(out, s.payload());
                    out.writeBoolean(s.key() != null);
                    if (s.key() != null) {
                        writeStr(out, s.key());
                    }
                    writeIds(out, s.selector());
                }
                case PointOperation.OverwritePayload o -> {
                    out.writeByte(4);
                    writeJson(out, o.payload());
                    writeIds(out, o.selector());
                }
                case PointOperation.DeletePayload d -> {
                    out.writeByte(5);
                    out.writeShort(d.keys().size());
                    for (String k : d.keys()) {
                        writeStr(out, k);
                    }
                    writeIds(out, d.selector());
                }
                case PointOperation.ClearPayload c -> {
                    out.writeByte(6);
                    writeIds(out, c.selector());
                }
                case PointOperation.UpdateVectors u -> {
                    if (u.updateFilter() != null) {
                        throw new IllegalArgumentException("conditional vector update (filter " + u.updateFilter()
                                + ") must be resolved by the shard before it is logged");
                    }
                    boolean sparse =
                            u.points().stream().anyMatch(p -> !p.sparseVectors().isEmpty());
                    out.writeByte(sparse ? 12 : 7);
                    out.writeInt(u.points().size());
                    for (PointOperation.PointVectors p : u.points()) {
                        writeId(out, p.id());
                        writeVecs(out, p.vectors());
                        if (sparse) {
                            writeSparse(out, p.sparseVectors());
                        }
                    }
                }
                case PointOperation.DeleteVectors d -> {
                    out.writeByte(8);
                    writeIds(out, d.selector());
                    out.writeShort(d.vectorNames().size());
                    for (String n : d.vectorNames()) {
                        writeStr(out, n);
                    }
                }
                case PointOperation.CreateFieldIndex c -> {
                    out.writeByte(9);
                    writeStr(out, c.field());
                    writeJson(out, specToJson(c.spec()));
                }
                case PointOperation.DeleteFieldIndex d -> {
                    out.writeByte(10);
                    writeStr(out, d.field());
                }
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to encode operation: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes one record payload.
     *
     * @throws ServiceException when the bytes are not a complete operation of a known version (a
     *     count or length that the remaining bytes cannot hold is refused before allocating)
     */
    public static PointOperation decode(byte[] data) {
        try {
            return decodeUnchecked(ByteBuffer.wrap(data));
        } catch (ServiceException e) {
            throw e;
        } catch (BufferUnderflowException | IllegalArgumentException | ClassCastException e) {
            throw new ServiceException("Corrupt WAL operation of " + data.length + " bytes: " + e, e);
        }
    }

    private static PointOperation decodeUnchecked(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw new ServiceException("Corrupt WAL operation: empty record");
        }
        int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new ServiceException(
                    "WAL operation format version " + version + " is not supported, expected " + VERSION);
        }
        int type = in.get() & 0xff;
        return switch (type) {
            case 1 -> {
                int n = count(in, in.getInt(), 15);
                List<PointOperation.PointStruct> pts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    pts.add(new PointOperation.PointStruct(readId(in), readVecs(in), readJson(in)));
                }
                yield new PointOperation.Upsert(pts);
            }
            case 2 -> new PointOperation.Delete(readIds(in));
            case 3 -> {
                ObjectNode p = readJson(in);
                String key = in.get() != 0 ? readStr(in) : null;
                yield new PointOperation.SetPayload(p, readIds(in), key);
            }
            case 4 -> new PointOperation.OverwritePayload(readJson(in), readIds(in));
            case 5 -> {
                int n = in.getShort() & 0xffff;
                List<String> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add(readStr(in));
                }
                yield new PointOperation.DeletePayload(keys, readIds(in));
            }
            case 6 -> new PointOperation.ClearPayload(readIds(in));
            case 7 -> {
                int n = count(in, in.getInt(), 11);
                List<PointOperation.PointVectors> pts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    pts.add(new PointOperation.PointVectors(readId(in), readVecs(in)));
                }
                yield new PointOperation.UpdateVectors(pts);
            }
            case 8 -> {
                PointsSelector sel = readIds(in);
                int n = in.getShort() & 0xffff;
                List<String> names = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names.add(readStr(in));
                }
                yield new PointOperation.DeleteVectors(sel, names);
            }
            case 9 -> {
                String field = readStr(in);
                ObjectNode spec = readJson(in);
                if (spec == null) {
                    throw new ServiceException("Corrupt WAL operation: field index on " + field + " without a spec");
                }
                yield new PointOperation.CreateFieldIndex(field, specFromJson(spec));
            }
            case 10 -> new PointOperation.DeleteFieldIndex(readStr(in));
            case 11 -> {
                int n = count(in, in.getInt(), 17);
                List<PointOperation.PointStruct> pts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PointId id = readId(in);
                    Map<String, float[]> vecs = readVecs(in);
                    Map<String, SparseVector> sparse = readSparse(in);
                    pts.add(new PointOperation.PointStruct(id, vecs, sparse, readJson(in)));
                }
                yield new PointOperation.Upsert(pts);
            }
            case 12 -> {
                int n = count(in, in.getInt(), 13);
                List<PointOperation.PointVectors> pts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PointId id = readId(in);
                    Map<String, float[]> vecs = readVecs(in);
                    pts.add(new PointOperation.PointVectors(id, vecs, readSparse(in)));
                }
                yield new PointOperation.UpdateVectors(pts);
            }
            default -> throw new ServiceException("Unknown WAL operation type " + type + ", expected 1..12");
        };
    }

    /** The index spec as a JSON object (also used for the persisted payload schema). */
    public static ObjectNode specToJson(PayloadIndexSpec spec) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", spec.type().wireName());
        putOpt(o, "is_tenant", spec.isTenant());
        putOpt(o, "is_principal", spec.isPrincipal());
        putOpt(o, "on_disk", spec.onDisk());
        putOpt(o, "lookup", spec.lookup());
        putOpt(o, "range", spec.range());
        putOpt(o, "prefix", spec.prefix());
        putOpt(o, "enable_hnsw", spec.enableHnsw());
        if (spec.memory() != null) {
            o.put("memory", spec.memory().wireName());
        }
        if (spec.text() != null) {
            o.set("text", TextIndexParamsCodec.toJson(spec.text()));
        }
        return o;
    }

    public static PayloadIndexSpec specFromJson(ObjectNode o) {
        JsonNode t = o.get("text");
        PayloadIndexSpec.TextIndexParams text = t == null ? null : TextIndexParamsCodec.fromJson(t);
        return new PayloadIndexSpec(
                PayloadSchemaType.fromWireName(o.path("type").asText()),
                optBool(o, "is_tenant"),
                optBool(o, "is_principal"),
                optBool(o, "on_disk"),
                optBool(o, "lookup"),
                optBool(o, "range"),
                text,
                o.hasNonNull("memory")
                        ? io.sextant.segment.config.MemoryPlacement.fromWireName(
                                o.get("memory").asText())
                        : null,
                optBool(o, "prefix"),
                optBool(o, "enable_hnsw"));
    }

    private static void putOpt(ObjectNode o, String k, Boolean v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static Boolean optBool(JsonNode o, String k) {
        return o.has(k) ? o.get(k).asBoolean() : null;
    }

    private static void writeStr(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("String of " + b.length + " bytes exceeds the limit of 65535");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readStr(ByteBuffer in) {
        byte[] b = new byte[in.getShort() & 0xffff];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeJson(DataOutputStream out, ObjectNode node) throws IOException {
        if (node == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = JSON.writeValueAsBytes(node);
        out.writeInt(b.length);
        out.write(b);
    }

    private static ObjectNode readJson(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0) {
            return null;
        }
        count(in, len, 1);
        try {
            if (!(JSON.readTree(in.array(), in.position(), len) instanceof ObjectNode n)) {
                throw new ServiceException("Corrupt JSON in WAL operation: not an object");
            }
            in.position(in.position() + len);
            return n;
        } catch (IOException e) {
            throw new ServiceException("Corrupt JSON in WAL operation: " + e.getMessage(), e);
        }
    }

    private static void writeId(DataOutputStream out, PointId id) throws IOException {
        switch (id) {
            case PointId.Num n -> {
                out.writeByte(0);
                out.writeLong(n.value());
            }
            case PointId.Uuid u -> {
                out.writeByte(1);
                out.writeLong(u.value().getMostSignificantBits());
                out.writeLong(u.value().getLeastSignificantBits());
            }
        }
    }

    private static PointId readId(ByteBuffer in) {
        byte kind = in.get();
        return switch (kind) {
            case 0 -> new PointId.Num(in.getLong());
            case 1 -> new PointId.Uuid(new UUID(in.getLong(), in.getLong()));
            default -> throw new ServiceException("Unknown point id kind " + kind + " in WAL operation");
        };
    }

    private static void writeIds(DataOutputStream out, PointsSelector sel) throws IOException {
        if (!(sel instanceof PointsSelector.Ids ids)) {
            throw new IllegalArgumentException("Filter selectors must be resolved to ids before logging, got " + sel);
        }
        out.writeInt(ids.ids().size());
        for (PointId id : ids.ids()) {
            writeId(out, id);
        }
    }

    /**
     * Checks a decoded count {@code n} of items of at least {@code minBytes} each against the bytes
     * left, so that a corrupt count fails before it allocates.
     */
    private static int count(ByteBuffer in, int n, int minBytes) {
        if (n < 0 || (long) n * minBytes > in.remaining()) {
            throw new ServiceException("Corrupt WAL operation: count " + n + " of " + minBytes
                    + "-byte items exceeds the " + in.remaining() + " bytes left");
        }
        return n;
    }

    private static PointsSelector.Ids readIds(ByteBuffer in) {
        int n = count(in, in.getInt(), 9);
        List<PointId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(readId(in));
        }
        return new PointsSelector.Ids(ids);
    }

    private static void writeVecs(DataOutputStream out, Map<String, float[]> vecs) throws IOException {
        out.writeShort(vecs.size());
        for (Map.Entry<String, float[]> e : vecs.entrySet()) {
            writeStr(out, e.getKey());
            out.writeInt(e.getValue().length);
            for (float f : e.getValue()) {
                out.writeFloat(f);
            }
        }
    }

    private static void writeSparse(DataOutputStream out, Map<String, SparseVector> vecs) throws IOException {
        out.writeShort(vecs.size());
        for (Map.Entry<String, SparseVector> e : vecs.entrySet()) {
            writeStr(out, e.getKey());
            SparseVector v = e.getValue();
            out.writeInt(v.size());
            for (int id : v.indices()) {
                out.writeInt(id);
            }
            for (float w : v.values()) {
                out.writeFloat(w);
            }
        }
    }

    private static Map<String, SparseVector> readSparse(ByteBuffer in) {
        int n = in.getShort() & 0xffff;
        Map<String, SparseVector> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = readStr(in);
            int nnz = count(in, in.getInt(), 8);
            int[] ids = new int[nnz];
            float[] vals = new float[nnz];
            for (int j = 0; j < nnz; j++) {
                ids[j] = in.getInt();
            }
            for (int j = 0; j < nnz; j++) {
                vals[j] = in.getFloat();
            }
            out.put(name, SparseVector.of(ids, vals));
        }
        return out;
    }

    private static Map<String, float[]> readVecs(ByteBuffer in) {
        int n = in.getShort() & 0xffff;
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = readStr(in);
            float[] v = new float[count(in, in.getInt(), 4)];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.getFloat();
            }
            out.put(name, v);
        }
        return out;
    }
}
