package io.sextant.cluster.shard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.codec.FilterCodec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.shard.wal.OperationCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wire form of a {@link PointOperation} as a client sent it, before the shard resolved it: unlike
 * {@link OperationCodec} (the WAL form) it carries filter selectors ({@code delete}/{@code
 * set_payload} … by filter) and conditional upserts and vector updates ({@code update_mode}, {@code
 * update_filter}). The index spec of {@code CreateFieldIndex} reuses the WAL's JSON form ({@link
 * OperationCodec#specToJson}). Embedded in a versioned shard-call message ({@link ShardCall}).
 *
 * <p>Layout; {@code str}, {@code opt str}, {@code json}, {@code id}, {@code ids}, {@code strs},
 * {@code dense}, {@code sparse} as in {@link BinaryWriter}, {@code filter} as in {@link
 * FilterCodec}:
 *
 * <pre>
 * u8 type, then per type:
 *  1 Upsert            u8 mode (0 upsert, 1 insert_only, 2 update_only), opt filter update_filter,
 *                      u32 n, n x (id, dense vectors, sparse vectors, json payload)
 *  2 Delete            selector
 *  3 SetPayload        json payload, opt str key, selector
 *  4 OverwritePayload  json payload, selector
 *  5 DeletePayload     strs keys, selector
 *  6 ClearPayload      selector
 *  7 UpdateVectors     opt filter update_filter, u32 n, n x (id, dense vectors, sparse vectors)
 *  8 DeleteVectors     selector, strs vector names
 *  9 CreateFieldIndex  str field, json spec
 * 10 DeleteFieldIndex  str field
 * selector    u8 kind: 0 ids: ids | 1 filter: filter
 * opt filter  u8 present (0/1), [filter]
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class PointOperationWire {
    private PointOperationWire() {}

    /** {@code op} alone in this layout (the retained history of {@code wal_delta} stores it so). */
    public static byte[] encode(PointOperation op) {
        BinaryWriter w = new BinaryWriter();
        write(w, op);
        return w.toByteArray();
    }

    /**
     * Decodes one operation written by {@link #encode}.
     *
     * @throws io.sextant.segment.codec.CorruptEncodingException when the bytes are not one operation
     */
    public static PointOperation decode(byte[] bytes) {
        return io.sextant.segment.codec.BinaryReader.decode(bytes, "point operation", PointOperationWire::read);
    }

    static void write(BinaryWriter w, PointOperation op) {
        switch (op) {
            case PointOperation.Upsert u -> {
                w.u8(1)
                        .u8(
                                switch (u.mode()) {
                                    case UPSERT -> 0;
                                    case INSERT_ONLY -> 1;
                                    case UPDATE_ONLY -> 2;
                                });
                writeOptFilter(w, u.updateFilter());
                w.count(u.points().size());
                for (PointOperation.PointStruct p : u.points()) {
                    w.id(p.id()).dense(p.vectors()).sparse(p.sparseVectors()).json(p.payload());
                }
            }
            case PointOperation.Delete d -> writeSelector(w.u8(2), d.selector());
            case PointOperation.SetPayload s ->
                writeSelector(w.u8(3).json(s.payload()).optStr(s.key()), s.selector());
            case PointOperation.OverwritePayload o -> writeSelector(w.u8(4).json(o.payload()), o.selector());
            case PointOperation.DeletePayload d -> writeSelector(w.u8(5).strs(d.keys()), d.selector());
            case PointOperation.ClearPayload c -> writeSelector(w.u8(6), c.selector());
            case PointOperation.UpdateVectors u -> {
                w.u8(7);
                writeOptFilter(w, u.updateFilter());
                w.count(u.points().size());
                for (PointOperation.PointVectors p : u.points()) {
                    w.id(p.id()).dense(p.vectors()).sparse(p.sparseVectors());
                }
            }
            case PointOperation.DeleteVectors d -> {
                writeSelector(w.u8(8), d.selector());
                w.strs(d.vectorNames());
            }
            case PointOperation.CreateFieldIndex c -> w.u8(9).str(c.field()).json(OperationCodec.specToJson(c.spec()));
            case PointOperation.DeleteFieldIndex d -> w.u8(10).str(d.field());
        }
    }

    static PointOperation read(BinaryReader r) {
        int type = r.u8();
        return switch (type) {
            case 1 -> {
                PointOperation.UpdateMode mode = readMode(r);
                Filter filter = readOptFilter(r);
                int n = r.count(17);
                List<PointOperation.PointStruct> points = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PointId id = r.id();
                    points.add(new PointOperation.PointStruct(id, nonNull(r, r.dense()), r.sparse(), r.json()));
                }
                yield new PointOperation.Upsert(points, mode, filter);
            }
            case 2 -> new PointOperation.Delete(readSelector(r));
            case 3 -> {
                ObjectNode payload = r.json();
                String key = r.optStr();
                yield new PointOperation.SetPayload(payload, readSelector(r), key);
            }
            case 4 -> new PointOperation.OverwritePayload(r.json(), readSelector(r));
            case 5 -> new PointOperation.DeletePayload(r.strs(), readSelector(r));
            case 6 -> new PointOperation.ClearPayload(readSelector(r));
            case 7 -> {
                Filter filter = readOptFilter(r);
                int n = r.count(17);
                List<PointOperation.PointVectors> points = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PointId id = r.id();
                    points.add(new PointOperation.PointVectors(id, nonNull(r, r.dense()), r.sparse()));
                }
                yield new PointOperation.UpdateVectors(points, filter);
            }
            case 8 -> new PointOperation.DeleteVectors(readSelector(r), r.strs());
            case 9 -> {
                String field = r.str();
                ObjectNode spec = r.json();
                if (spec == null) {
                    throw r.corrupt("field index on " + field + " without a spec");
                }
                yield new PointOperation.CreateFieldIndex(field, OperationCodec.specFromJson(spec));
            }
            case 10 -> new PointOperation.DeleteFieldIndex(r.str());
            default -> throw r.corrupt("unknown point operation type " + type + ", expected 1..10");
        };
    }

    private static Map<String, float[]> nonNull(BinaryReader r, Map<String, float[]> vectors) {
        if (vectors == null) {
            throw r.corrupt("a point's dense vectors are null");
        }
        return vectors;
    }

    private static PointOperation.UpdateMode readMode(BinaryReader r) {
        int mode = r.u8();
        return switch (mode) {
            case 0 -> PointOperation.UpdateMode.UPSERT;
            case 1 -> PointOperation.UpdateMode.INSERT_ONLY;
            case 2 -> PointOperation.UpdateMode.UPDATE_ONLY;
            default -> throw r.corrupt("unknown update mode " + mode + ", expected 0..2");
        };
    }

    static void writeSelector(BinaryWriter w, PointsSelector selector) {
        switch (selector) {
            case PointsSelector.Ids ids -> w.u8(0).ids(ids.ids());
            case PointsSelector.ByFilter f -> {
                w.u8(1);
                FilterCodec.write(w, f.filter());
            }
        }
    }

    static PointsSelector readSelector(BinaryReader r) {
        int kind = r.u8();
        return switch (kind) {
            case 0 -> new PointsSelector.Ids(r.ids());
            case 1 -> new PointsSelector.ByFilter(FilterCodec.read(r));
            default -> throw r.corrupt("unknown points selector kind " + kind + ", expected 0 or 1");
        };
    }

    static BinaryWriter writeOptFilter(BinaryWriter w, Filter filter) {
        w.bool(filter != null);
        if (filter != null) {
            FilterCodec.write(w, filter);
        }
        return w;
    }

    static Filter readOptFilter(BinaryReader r) {
        return r.bool() ? FilterCodec.read(r) : null;
    }
}
