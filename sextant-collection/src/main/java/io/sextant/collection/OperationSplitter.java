package io.sextant.collection;

import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Splits a collection-level point operation into per-shard operations: points and id selectors
 * are routed with {@link ShardRouter}; filter selectors and payload index changes go to every
 * shard. Shards with nothing to do get no operation. Stateless and thread-safe.
 */
final class OperationSplitter {
    private OperationSplitter() {}

    /** Per-shard operations keyed by shard index, in ascending shard order. */
    static Map<Integer, PointOperation> split(PointOperation op, int shardCount) {
        Map<Integer, PointOperation> out = new TreeMap<>();
        if (shardCount == 1) {
            out.put(0, op);
            return out;
        }
        switch (op) {
            case PointOperation.Upsert u ->
                byId(u.points(), PointOperation.PointStruct::id, shardCount)
                        .forEach((s, pts) -> out.put(s, new PointOperation.Upsert(pts, u.mode(), u.updateFilter())));
            case PointOperation.UpdateVectors u ->
                byId(u.points(), PointOperation.PointVectors::id, shardCount)
                        .forEach((s, pts) -> out.put(s, new PointOperation.UpdateVectors(pts, u.updateFilter())));
            case PointOperation.Delete d -> bySelector(d.selector(), shardCount, out, PointOperation.Delete::new);
            case PointOperation.SetPayload p ->
                bySelector(
                        p.selector(), shardCount, out, sel -> new PointOperation.SetPayload(p.payload(), sel, p.key()));
            case PointOperation.OverwritePayload p ->
                bySelector(p.selector(), shardCount, out, sel -> new PointOperation.OverwritePayload(p.payload(), sel));
            case PointOperation.DeletePayload p ->
                bySelector(p.selector(), shardCount, out, sel -> new PointOperation.DeletePayload(p.keys(), sel));
            case PointOperation.ClearPayload p ->
                bySelector(p.selector(), shardCount, out, PointOperation.ClearPayload::new);
            case PointOperation.DeleteVectors p ->
                bySelector(
                        p.selector(), shardCount, out, sel -> new PointOperation.DeleteVectors(sel, p.vectorNames()));
            case PointOperation.CreateFieldIndex c -> broadcast(c, shardCount, out);
            case PointOperation.DeleteFieldIndex c -> broadcast(c, shardCount, out);
        }
        return out;
    }

    private static <T> Map<Integer, List<T>> byId(List<T> items, Function<T, PointId> id, int shardCount) {
        Map<Integer, List<T>> m = new TreeMap<>();
        for (T t : items) {
            m.computeIfAbsent(ShardRouter.shardOf(id.apply(t), shardCount), k -> new ArrayList<>())
                    .add(t);
        }
        return m;
    }

    private static void bySelector(
            PointsSelector selector,
            int shardCount,
            Map<Integer, PointOperation> out,
            Function<PointsSelector, PointOperation> make) {
        if (selector instanceof PointsSelector.Ids ids) {
            byId(ids.ids(), Function.identity(), shardCount)
                    .forEach((s, list) -> out.put(s, make.apply(new PointsSelector.Ids(list))));
        } else {
            for (int i = 0; i < shardCount; i++) {
                out.put(i, make.apply(selector));
            }
        }
    }

    private static void broadcast(PointOperation op, int shardCount, Map<Integer, PointOperation> out) {
        for (int i = 0; i < shardCount; i++) {
            out.put(i, op);
        }
    }
}
