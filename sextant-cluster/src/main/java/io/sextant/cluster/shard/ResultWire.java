package io.sextant.cluster.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import io.sextant.shard.wal.OperationCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wire form of what a shard answers: {@link ScoredPoint} and {@link PointRecord} lists, {@link
 * ScrollPage}, {@link ShardInfo}, {@link SparseStats} and {@link UpdateResult}. Embedded in a
 * versioned shard-call message ({@link ShardCall}).
 *
 * <p>Layout; primitives and composites as in {@link BinaryWriter}:
 *
 * <pre>
 * hits          u32 n, n x (id, i64 version, f32 score, json payload, dense vectors, sparse vectors)
 * records       u32 n, n x record
 * record        id, json payload, dense vectors, sparse vectors, i64 version,
 *               u8 has order value, [f64 order value]
 * scroll page   records, opt id next offset
 * info          str status, i64 points, i64 indexed vectors, u32 segments,
 *               u32 n, n x (str field, json index spec, i64 points), opt str optimizer error
 * sparse stats  i64 vector count, u32 n, n x i64 document frequency
 * update        i64 operation id, u8 completed
 * </pre>
 *
 * The index spec is the WAL's JSON form ({@link OperationCodec#specToJson}). Stateless and
 * thread-safe.
 */
final class ResultWire {
    private ResultWire() {}

    static void writeHits(BinaryWriter w, List<ScoredPoint> hits) {
        w.count(hits.size());
        for (ScoredPoint h : hits) {
            w.id(h.id())
                    .i64(h.version())
                    .f32(h.score())
                    .json(h.payload())
                    .dense(h.vectors())
                    .sparse(h.sparseVectors());
        }
    }

    static List<ScoredPoint> readHits(BinaryReader r) {
        int n = r.count(33);
        List<ScoredPoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PointId id = r.id();
            long version = r.i64();
            float score = r.f32();
            out.add(new ScoredPoint(id, version, score, r.json(), r.dense(), r.sparse()));
        }
        return out;
    }

    static void writeRecords(BinaryWriter w, List<PointRecord> records) {
        w.count(records.size());
        for (PointRecord p : records) {
            w.id(p.id())
                    .json(p.payload())
                    .dense(p.vectors())
                    .sparse(p.sparseVectors())
                    .i64(p.version());
            w.bool(p.orderValue() != null);
            if (p.orderValue() != null) {
                w.f64(p.orderValue());
            }
        }
    }

    static List<PointRecord> readRecords(BinaryReader r) {
        int n = r.count(30);
        List<PointRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PointId id = r.id();
            var payload = r.json();
            var dense = r.dense();
            var sparse = r.sparse();
            long version = r.i64();
            out.add(new PointRecord(id, payload, dense, sparse, version, r.bool() ? r.f64() : null));
        }
        return out;
    }

    static void writeScrollPage(BinaryWriter w, ScrollPage page) {
        writeRecords(w, page.points());
        w.optId(page.nextOffset());
    }

    static ScrollPage readScrollPage(BinaryReader r) {
        return new ScrollPage(readRecords(r), r.optId());
    }

    static void writeInfo(BinaryWriter w, ShardInfo info) {
        w.str(info.status())
                .i64(info.pointsCount())
                .i64(info.indexedVectorsCount())
                .i32(info.segmentsCount())
                .count(info.payloadSchema().size());
        info.payloadSchema().forEach((field, schema) -> w.str(field)
                .json(OperationCodec.specToJson(schema.spec()))
                .i64(schema.points()));
        w.optStr(info.optimizerError());
    }

    static ShardInfo readInfo(BinaryReader r) {
        String status = r.str();
        long points = r.i64();
        long indexed = r.i64();
        int segments = r.i32();
        int n = r.count(16);
        Map<String, ShardInfo.FieldSchemaInfo> schema = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String field = r.str();
            var spec = r.json();
            if (spec == null) {
                throw r.corrupt("payload index " + field + " without a spec");
            }
            schema.put(field, new ShardInfo.FieldSchemaInfo(OperationCodec.specFromJson(spec), r.i64()));
        }
        return new ShardInfo(status, points, indexed, segments, schema, r.optStr());
    }

    static void writeSparseStats(BinaryWriter w, SparseStats s) {
        w.i64(s.vectorCount()).count(s.docFrequencies().length);
        for (long df : s.docFrequencies()) {
            w.i64(df);
        }
    }

    static SparseStats readSparseStats(BinaryReader r) {
        long count = r.i64();
        long[] df = new long[r.count(8)];
        for (int i = 0; i < df.length; i++) {
            df[i] = r.i64();
        }
        return new SparseStats(count, df);
    }

    static void writeUpdate(BinaryWriter w, UpdateResult u) {
        w.i64(u.operationId()).bool(u.completed());
    }

    static UpdateResult readUpdate(BinaryReader r) {
        return new UpdateResult(r.i64(), r.bool());
    }
}
