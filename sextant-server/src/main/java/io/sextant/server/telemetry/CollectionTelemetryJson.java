package io.sextant.server.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.Collection;
import io.sextant.collection.CollectionInfo;
import io.sextant.segment.config.VectorSpec;
import io.sextant.server.api.convert.CollectionJson;
import io.sextant.shard.OptimizationsReport;
import io.sextant.shard.SegmentSummary;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardStats;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One collection of {@code GET /telemetry} in Qdrant's shapes, by details level: 1 gives {@code
 * CollectionsAggregatedTelemetry} ({@code vectors}, {@code optimizers_status}, {@code params}); 2
 * gives {@code CollectionTelemetry} with {@code id}, {@code init_time_ms} and {@code config}; 3 adds
 * {@code shards} (one {@code ReplicaSetTelemetry} per shard, its {@code local} part with points,
 * vectors, sizes, optimizer status and {@code update_queue} — queue length and the last applied
 * operation number {@code op_num}), {@code transfers} and {@code resharding} (empty: no cluster); 4
 * and above add {@code segments} to each local shard. Stateless, thread-safe.
 */
final class CollectionTelemetryJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private CollectionTelemetryJson() {}

    static ObjectNode write(Collection c, CollectionInfo info, long initMillis, int level) {
        JsonNode config = CollectionJson.writeInfo(info).get("config");
        ObjectNode o = F.objectNode();
        if (level == 1) {
            o.put(
                    "vectors",
                    info.pointsCount()
                            * Math.max(1, info.config().params().vectors().size()));
            o.set("optimizers_status", optimizerStatus(info.optimizerError()));
            o.set("params", config.get("params"));
            return o;
        }
        o.put("id", c.name());
        o.put("init_time_ms", initMillis);
        o.set("config", config);
        if (level < 3) {
            return o;
        }
        ArrayNode shards = o.putArray("shards");
        List<Shard> list = c.shards();
        List<Integer> ids = c.shardIds();
        for (int i = 0; i < list.size(); i++) {
            shards.add(replicaSet(ids.get(i), list.get(i), level));
        }
        o.putArray("transfers");
        o.putArray("resharding");
        return o;
    }

    private static JsonNode optimizerStatus(String error) {
        return error == null ? F.textNode("ok") : F.objectNode().put("error", error);
    }

    private static ObjectNode replicaSet(int id, Shard shard, int level) {
        ObjectNode rs = F.objectNode();
        rs.put("id", id);
        rs.putNull("key");
        // a cluster shard: local only where this peer holds a replica, the others as remote, and
        // every replica's state (Qdrant's ReplicaSetTelemetry); a standalone shard is all local
        List<Shard.ReplicaView> replicas = shard.replicas();
        rs.set("local", replicas.isEmpty() || shard.holdsLocalData() ? local(shard, level) : F.nullNode());
        ArrayNode remote = rs.putArray("remote");
        ObjectNode states = rs.putObject("replicate_states");
        for (Shard.ReplicaView r : replicas) {
            java.math.BigInteger peer = new java.math.BigInteger(Long.toUnsignedString(r.peer()));
            if (!r.local()) {
                remote.addObject().put("shard_id", id).put("peer_id", peer);
            }
            states.put(peer.toString(), r.state());
        }
        rs.putObject("partial_snapshot")
                .put("ongoing_create_snapshot_requests", 0)
                .put("is_recovering", false)
                .put("recovery_timestamp", 0);
        return rs;
    }

    private static ObjectNode local(Shard shard, int level) {
        var info = shard.info();
        ShardStats stats = shard.stats();
        List<SegmentSummary> segments = shard.segmentSummaries();
        OptimizationsReport opt = shard.optimizations();
        ObjectNode l = F.objectNode();
        l.put("variant_name", "local");
        l.put("status", info.status().toLowerCase(Locale.ROOT));
        l.put(
                "total_optimized_points",
                opt.completed().stream()
                        .flatMap(o -> o.segments().stream())
                        .mapToLong(OptimizationsReport.SegmentRef::points)
                        .sum());
        long vectorBytes =
                segments.stream().mapToLong(SegmentSummary::vectorBytes).sum();
        l.put("vectors_size_bytes", vectorBytes);
        l.put("payloads_size_bytes", 0);
        l.put("num_points", info.pointsCount());
        ObjectNode byName = F.objectNode();
        long vectors = 0;
        for (SegmentSummary s : segments) {
            for (String name : s.dense().keySet()) {
                long n = byName.path(name).asLong(0) + s.livePoints();
                byName.put(name, n);
                vectors += s.livePoints();
            }
        }
        l.put("num_vectors", vectors);
        l.set("num_vectors_by_name", byName);
        if (level >= 4) {
            ArrayNode segs = l.putArray("segments");
            segments.forEach(s -> segs.add(segment(s)));
        }
        ObjectNode optimizations = l.putObject("optimizations");
        optimizations.set("status", optimizerStatus(info.optimizerError()));
        optimizations.putObject("optimizations").put("count", opt.completed().size());
        l.put("async_scorer", false);
        if (level >= 4) {
            l.putObject("indexed_only_excluded_vectors");
        }
        l.putObject("update_queue").put("length", stats.updateQueueLength()).put("op_num", stats.opNum());
        return l;
    }

    private static ObjectNode segment(SegmentSummary s) {
        ObjectNode seg = F.objectNode();
        ObjectNode info = seg.putObject("info");
        info.put(
                "uuid",
                UUID.nameUUIDFromBytes(s.name().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString());
        boolean indexed = s.indexedVectors().values().stream().anyMatch(n -> n > 0);
        info.put("segment_type", indexed ? "indexed" : "plain");
        info.put("num_vectors", s.livePoints() * s.dense().size());
        info.put("num_points", s.livePoints());
        info.put("num_deferred_points", s.deferredPoints());
        info.put(
                "num_indexed_vectors",
                s.indexedVectors().values().stream().mapToLong(Long::longValue).sum());
        info.put("num_deleted_vectors", s.deletedPoints() * s.dense().size());
        info.put("vectors_size_bytes", s.vectorBytes());
        info.put("payloads_size_bytes", s.payloadBytes());
        info.put("ram_usage_bytes", 0);
        info.put("disk_usage_bytes", s.vectorBytes() + s.payloadBytes());
        info.put("is_appendable", s.appendable());
        info.putObject("index_schema");
        ObjectNode vectorData = info.putObject("vector_data");
        ObjectNode config = seg.putObject("config");
        ObjectNode configData = config.putObject("vector_data");
        s.dense().forEach((name, spec) -> {
            vectorData
                    .putObject(name)
                    .put("num_vectors", s.livePoints())
                    .put("num_indexed_vectors", s.indexedVectors().getOrDefault(name, 0L))
                    .put("num_deleted_vectors", s.deletedPoints());
            configData.set(name, vectorConfig(spec, s.indexedVectors().getOrDefault(name, 0L) > 0));
        });
        config.putObject("payload_storage_type").put("type", "mmap");
        seg.putArray("vector_index_searches");
        seg.putArray("payload_field_indices");
        return seg;
    }

    private static ObjectNode vectorConfig(VectorSpec spec, boolean hnsw) {
        ObjectNode v = F.objectNode();
        v.put("size", spec.size());
        v.put("distance", spec.distance().wireName());
        v.put("storage_type", spec.onDisk() ? "Mmap" : "InRamMmap");
        ObjectNode index = v.putObject("index");
        if (hnsw) {
            index.put("type", "hnsw");
            index.putObject("options")
                    .put("m", spec.hnsw().m())
                    .put("ef_construct", spec.hnsw().efConstruct())
                    .put("full_scan_threshold", spec.hnsw().fullScanThresholdKb());
        } else {
            index.put("type", "plain");
            index.putObject("options");
        }
        return v;
    }
}
