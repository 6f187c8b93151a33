package io.sextant.collection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.query.PayloadValues;
import io.sextant.segment.PointId;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges scroll pages of several shards into one collection page: by id (the next offset is the
 * first id not returned), or by payload value for {@code order_by} (shards are asked for the full
 * payload to read the values, then the requested payload is fetched for the page). Stateless.
 */
final class ScrollMerger {
    private ScrollMerger() {}

    static ScrollPage scroll(Collection collection, List<Shard> shards, ScrollRequest request) {
        if (shards.size() == 1) {
            return shards.get(0).scroll(request);
        }
        if (request.orderBy() == null) {
            List<PointRecord> all = new ArrayList<>();
            PointId minNext = null;
            for (Shard s : shards) {
                ScrollPage page = s.scroll(request);
                all.addAll(page.points());
                if (page.nextOffset() != null
                        && (minNext == null || page.nextOffset().compareTo(minNext) < 0)) {
                    minNext = page.nextOffset();
                }
            }
            all.sort(Comparator.comparing(PointRecord::id));
            if (all.size() > request.limit()) {
                return new ScrollPage(
                        new ArrayList<>(all.subList(0, request.limit())),
                        all.get(request.limit()).id());
            }
            return new ScrollPage(all, minNext);
        }
        ScrollRequest.OrderBy ob = request.orderBy();
        ScrollRequest perShard = new ScrollRequest(
                request.filter(), request.limit(), null, ob, PayloadSelector.ALL, request.withVector());
        record Valued(PointRecord point, double value) {}
        List<Valued> all = new ArrayList<>();
        for (Shard s : shards) {
            for (PointRecord r : s.scroll(perShard).points()) { // one record per value of the point
                all.add(new Valued(
                        r,
                        r.orderValue() != null
                                ? r.orderValue()
                                : PayloadValues.orderValue(r.payload(), ob.key(), ob.descending())));
            }
        }
        Comparator<Valued> cmp = Comparator.comparingDouble(Valued::value);
        if (ob.descending()) {
            cmp = cmp.reversed();
        }
        all.sort(cmp.thenComparing(v -> v.point().id()));
        List<PointRecord> page =
                all.stream().limit(request.limit()).map(Valued::point).toList();
        PayloadSelector wanted = request.withPayload() == null ? PayloadSelector.NONE : request.withPayload();
        if (!(wanted instanceof PayloadSelector.All)) {
            List<PointRecord> refetched =
                    collection.retrieve(page.stream().map(PointRecord::id).toList(), wanted, request.withVector());
            java.util.Map<PointId, PointRecord> byId = new java.util.HashMap<>();
            refetched.forEach(r -> byId.put(r.id(), r));
            page = page.stream()
                    .map(p -> byId.getOrDefault(
                                    p.id(),
                                    new PointRecord(
                                            p.id(), (ObjectNode) null, p.vectors(), p.sparseVectors(), p.version()))
                            .withOrderValue(p.orderValue()))
                    .toList();
        }
        return new ScrollPage(page, null);
    }
}
