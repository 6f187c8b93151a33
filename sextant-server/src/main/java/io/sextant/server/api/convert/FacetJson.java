package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.facet.FacetHit;
import io.sextant.collection.facet.FacetRequest;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /collections/{c}/facet} bodies ({@code key}, {@code filter}, {@code limit}, {@code
 * exact}) and the {@code {"hits":[{"value":…,"count":…}]}} result. Stateless and thread-safe.
 */
public final class FacetJson {
    private FacetJson() {}

    public static FacetRequest parse(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("key", "filter", "limit", "exact", "shard_key"));
        String key = JsonFields.requiredString(body, "key", "");
        Integer limit = JsonFields.optUint(body, "limit", "");
        if (limit != null && limit < 1) {
            throw JsonFields.error("limit", "limit must be >= 1, got " + limit);
        }
        try {
            return new FacetRequest(
                    key,
                    FilterJson.parseOptional(body.get("filter"), "filter"),
                    limit == null ? FacetRequest.DEFAULT_LIMIT : limit,
                    JsonFields.bool(body, "exact", "", false));
        } catch (IllegalArgumentException e) {
            throw JsonFields.error("", e.getMessage());
        }
    }

    public static ObjectNode write(List<FacetHit> hits) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = out.putArray("hits");
        for (FacetHit h : hits) {
            ObjectNode o = arr.addObject();
            switch (h.value()) {
                case String s -> o.put("value", s);
                case Long l -> o.put("value", l);
                case Boolean b -> o.put("value", b);
                default -> throw new IllegalStateException("Unexpected facet value " + h.value());
            }
            o.put("count", h.count());
        }
        return out;
    }
}
