package io.sextant.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.TableOfContents;
import io.sextant.server.api.convert.FilterJson;
import io.sextant.server.api.rest.ApiExchange;
import java.util.Map;

/**
 * {@link ValueExistsCheck} over the live collections: builds the filter {@code {"must": [{"key": k,
 * "match": {"value": v}}, …]}} through the API's filter parser (so the claim's values follow the
 * same typing rules as a request's) and asks for an exact count. Thread-safe.
 */
public final class ValueExistsQuery implements ValueExistsCheck {

    private final TableOfContents toc;

    private ValueExistsQuery(TableOfContents toc) {
        this.toc = toc;
    }

    public static ValueExistsCheck over(TableOfContents toc) {
        return new ValueExistsQuery(toc);
    }

    @Override
    public boolean exists(String collection, Map<String, Object> matches) {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        ArrayNode must = filter.putArray("must");
        for (Map.Entry<String, Object> m : matches.entrySet()) {
            ObjectNode cond = must.addObject();
            cond.put("key", m.getKey());
            cond.putObject("match").set("value", ApiExchange.MAPPER.valueToTree(m.getValue()));
        }
        try {
            return toc.get(collection).count(FilterJson.parse(filter, "value_exists"), true) > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
