package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.ShardPlacement;
import io.sextant.collection.Collection;
import io.sextant.collection.ShardKey;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.JsonFields;
import io.sextant.server.api.convert.ShardKeyJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Qdrant's shard key operations as metadata commands, from the body of {@code PUT
 * /collections/{c}/shards} ({@code CreateShardingKey}: {@code shard_key}, {@code shards_number}
 * (alias {@code shard_number}), {@code replication_factor}, {@code placement}, {@code
 * initial_state}) or {@code POST /collections/{c}/shards/delete} ({@code {"shard_key":…}}); the same
 * bodies as {@code create_sharding_key} / {@code drop_sharding_key} of {@code POST
 * /collections/{c}/cluster} and the gRPC requests. The create is completed here from the collection's
 * config ({@code shards_number} defaults to its {@code shard_number}, {@code replication_factor} to
 * its own), so every peer creates the same shards; in cluster mode the proposer then adds the
 * placement ({@link #place}). Stateless.
 */
public final class ShardKeyCommands {
    private ShardKeyCommands() {}

    /**
     * The {@code create_shard_key} command for {@code body} on {@code c}.
     *
     * @throws UserException bad request for a malformed body or a collection that is not
     *     custom-sharded, or a key it already has
     */
    public static MetadataCommand create(Collection c, JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(
                body,
                "",
                Set.of(
                        "shard_key",
                        "shards_number",
                        "shard_number",
                        "replication_factor",
                        "placement",
                        "initial_state"));
        ShardKey key = ShardKeyJson.key(body.get("shard_key"), "shard_key");
        Integer shards = JsonFields.optUint(body, "shards_number", "");
        if (shards == null) {
            shards = JsonFields.optUint(body, "shard_number", "");
        }
        Integer rf = JsonFields.optUint(body, "replication_factor", "");
        if (shards != null && shards < 1) {
            throw JsonFields.error("shards_number", "shards_number must be at least 1, got " + shards);
        }
        if (rf != null && rf < 1) {
            throw JsonFields.error("replication_factor", "replication_factor must be at least 1, got " + rf);
        }
        JsonNode state = body.get("initial_state");
        if (state != null && !state.isNull() && !"Active".equals(state.asText())) {
            throw JsonFields.error("initial_state", "only Active is supported, got " + JsonFields.describe(state));
        }
        List<Long> placement = null;
        JsonNode p = body.get("placement");
        if (p != null && !p.isNull()) {
            placement = new ArrayList<>();
            for (int i = 0; i < JsonFields.array(p, "placement").size(); i++) {
                JsonNode peer = p.get(i);
                if (!peer.canConvertToLong() && !peer.isBigInteger()) {
                    throw JsonFields.error(JsonFields.index("placement", i), "expected a peer id");
                }
                placement.add(Long.parseUnsignedLong(peer.asText()));
            }
            if (placement.isEmpty()) {
                throw UserException.badRequest("Bad request: Sharding key " + key
                        + " placement cannot be empty. If you want to use random placement, do not specify placement");
            }
        }
        check(c, key, true);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("shard_key", ShardKeyJson.write(key));
        out.put("shards_number", shards != null ? shards : c.config().params().shardNumber());
        out.put("replication_factor", rf != null ? rf : c.config().params().replicationFactor());
        if (placement != null) {
            ArrayNode arr = out.putArray("placement");
            placement.forEach(peer -> arr.add(Long.toUnsignedString(peer)));
        }
        return new MetadataCommand(MetadataCommand.Type.CREATE_SHARD_KEY, c.name(), null, out, true);
    }

    /** The {@code drop_shard_key} command for {@code body} on {@code c}. */
    public static MetadataCommand drop(Collection c, JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("shard_key"));
        ShardKey key = ShardKeyJson.key(body.get("shard_key"), "shard_key");
        check(c, key, false);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("shard_key", ShardKeyJson.write(key));
        return new MetadataCommand(MetadataCommand.Type.DROP_SHARD_KEY, c.name(), null, out, true);
    }

    /** The key a shard key command names. */
    public static ShardKey key(MetadataCommand c) {
        return ShardKeyJson.key(c.body().get("shard_key"), "shard_key");
    }

    /** How many shards a create makes. */
    public static int shardsNumber(MetadataCommand c) {
        return c.body().path("shards_number").asInt(1);
    }

    /**
     * A create as it enters the log in cluster mode: with the placement of its new shards, decided
     * here by the proposing peer ({@link ShardPlacement#plan}) over the request's {@code placement}
     * peers or else every member, starting from a position derived from the collection and key.
     *
     * @throws UserException bad request for a placement peer that is not a member
     */
    static MetadataCommand place(MetadataCommand create, Set<Long> members) {
        List<Long> pool = new ArrayList<>();
        JsonNode p = create.body().get("placement");
        if (p != null && p.isArray()) {
            for (JsonNode peer : p) {
                long id = Long.parseUnsignedLong(peer.asText());
                if (!members.contains(id)) {
                    throw UserException.badRequest(
                            "Bad request: Peer " + Long.toUnsignedString(id) + " does not exist");
                }
                pool.add(id);
            }
        } else {
            pool.addAll(members);
        }
        ShardPlacement placement = ShardPlacement.plan(
                create.collection() + "/" + key(create),
                shardsNumber(create),
                create.body().path("replication_factor").asInt(1),
                pool);
        return create.with(create.body(), placement);
    }

    /**
     * The response of {@code GET /collections/{c}/shards}: {@code {"shard_keys":[{"key":…}…]}}, or
     * {@code {}} for an auto-sharded collection (as Qdrant: the list exists only with custom
     * sharding).
     */
    public static ObjectNode list(Collection c) {
        ObjectNode res = JsonNodeFactory.instance.objectNode();
        if (!c.customSharding()) {
            return res;
        }
        ArrayNode arr = res.putArray("shard_keys");
        c.shardKeys().keySet().forEach(k -> arr.addObject().set("key", ShardKeyJson.write(k)));
        return res;
    }

    private static void check(Collection c, ShardKey key, boolean create) {
        if (!c.customSharding()) {
            throw UserException.badRequest("Bad request: Shard Key cannot be " + (create ? "created" : "removed")
                    + " with Auto sharding method");
        }
        boolean exists = c.shardKeys().containsKey(key);
        if (create && exists) {
            throw UserException.badRequest(
                    "Bad request: Sharding key " + key + " already exists for collection " + c.name());
        }
        if (!create && !exists) {
            throw UserException.badRequest(
                    "Bad request: Sharding key " + key + " does not exist for collection " + c.name());
        }
    }
}
