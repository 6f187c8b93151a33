package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.ShardKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Qdrant's shard key wire forms: a key is a JSON string or an unsigned 64-bit integer; the {@code
 * shard_key} selector of point requests is a key or an array of keys. Stateless.
 */
public final class ShardKeyJson {
    private ShardKeyJson() {}

    /** A shard key at {@code path}. */
    public static ShardKey key(JsonNode node, String path) {
        if (node != null && node.isTextual()) {
            return ShardKey.of(node.asText());
        }
        if (node != null && node.isIntegralNumber()) {
            BigInteger v = node.bigIntegerValue();
            if (v.signum() >= 0 && v.bitLength() <= 64) {
                return ShardKey.of(v.longValue());
            }
        }
        throw JsonFields.error(
                path, "expected a shard key (a string or an unsigned integer), got " + JsonFields.describe(node));
    }

    /**
     * The {@code shard_key} selector of a request body {@code body} (null when absent or null): one
     * key or an array of keys.
     */
    public static List<ShardKey> selector(JsonNode body) {
        JsonNode node = body == null || !body.isObject() ? null : body.get("shard_key");
        if (node == null || node.isNull()) {
            return null;
        }
        List<ShardKey> out = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(key(node.get(i), JsonFields.index("shard_key", i)));
            }
        } else if (node.isObject()) {
            throw JsonFields.error("shard_key", "shard key selectors with a fallback are not supported");
        } else {
            out.add(key(node, "shard_key"));
        }
        return out;
    }

    /** The JSON form of {@code key}. */
    public static JsonNode write(ShardKey key) {
        return key.isKeyword()
                ? JsonNodeFactory.instance.textNode(key.keyword())
                : JsonNodeFactory.instance.numberNode(new BigInteger(Long.toUnsignedString(key.number())));
    }
}
