package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.ShardPlacement;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.server.api.convert.CollectionDefaults;
import io.sextant.server.api.convert.CollectionJson;
import io.sextant.server.api.convert.IndexJson;
import io.sextant.server.api.convert.VectorNameJson;
import io.sextant.server.api.grpc.convert.GrpcMetadataCommands;
import java.util.Set;

/**
 * Where the REST layer sends collection-level metadata changes: straight to the local {@link
 * MetadataExecutor} on a standalone node, through Raft consensus in cluster mode. Implementations
 * are thread-safe.
 */
public interface MetadataGate {

    /**
     * Executes or replicates {@code command} and returns the REST {@code result}.
     *
     * @throws io.sextant.segment.error.UserException for bad input, as the REST API answers it
     */
    JsonNode submit(MetadataCommand command);

    /** A standalone node: executes at once. */
    static MetadataGate local(MetadataExecutor executor) {
        return executor::execute;
    }

    /** As {@link #consensus(ClusterNode, CollectionDefaults)} with Qdrant's defaults. */
    static MetadataGate consensus(ClusterNode node) {
        return consensus(node, CollectionDefaults.QDRANT);
    }

    /**
     * Cluster mode: the body is parsed here first, so malformed input is answered with its 4xx and
     * never enters the Raft log; then the command is proposed and the leader's result returned once
     * this peer has applied it. A create is completed here first ({@link #placed}).
     *
     * @param defaults the node's defaults for new collections ({@code replication_factor} …)
     */
    static MetadataGate consensus(ClusterNode node, CollectionDefaults defaults) {
        return command -> {
            validate(command);
            MetadataCommand c =
                    switch (command.type()) {
                        case CREATE_COLLECTION -> placed(command, node.members(), defaults);
                        case CREATE_SHARD_KEY -> ShardKeyCommands.place(command, node.members());
                        default -> command;
                    };
            return MetadataExecutor.unwrap(node.proposeEverywhere(c));
        };
    }

    /**
     * A create as it enters the log in cluster mode: {@code shard_number}, when the request left it
     * out, becomes the number of peers (Qdrant's default in a cluster), written into the body so
     * every peer creates the same collection; and the command carries the placement of the shard
     * replicas over the current {@code members}, decided here by the proposing peer ({@link
     * ShardPlacement#plan}).
     */
    static MetadataCommand placed(MetadataCommand create, Set<Long> members, CollectionDefaults defaults) {
        if (create.form() == MetadataCommand.Form.GRPC) {
            if (GrpcMetadataCommands.createConfig(create, defaults).params().customSharding()) {
                return create; // custom sharding: no shards until a shard key places its own
            }
            MetadataCommand filled = GrpcMetadataCommands.withDefaultShardNumber(create, Math.max(1, members.size()));
            return filled.with(
                    filled.body(),
                    placement(create.collection(), GrpcMetadataCommands.createConfig(filled, defaults), members));
        }
        ObjectNode body = create.body().isObject()
                ? (ObjectNode) create.body().deepCopy()
                : JsonNodeFactory.instance.objectNode();
        if (CollectionJson.parseCreate(body, defaults).params().customSharding()) {
            return create; // custom sharding: no shards until a shard key places its own
        }
        JsonNode shards = body.get("shard_number");
        if (shards == null || shards.isNull()) {
            body.put("shard_number", Math.max(1, members.size()));
        }
        return create.with(body, placement(create.collection(), CollectionJson.parseCreate(body, defaults), members));
    }

    private static ShardPlacement placement(String collection, CollectionConfig config, Set<Long> members) {
        return ShardPlacement.plan(
                collection, config.params().shardNumber(), config.params().replicationFactor(), members);
    }

    private static void validate(MetadataCommand c) {
        if (c.form() == MetadataCommand.Form.GRPC) {
            return; // built by GrpcMetadataCommands, which validated the request
        }
        JsonNode body = c.body();
        switch (c.type()) {
            case CREATE_COLLECTION -> CollectionJson.parseCreate(body);
            case UPDATE_COLLECTION -> CollectionJson.parsePatch(body);
            case UPDATE_ALIASES -> CollectionJson.parseAliases(body);
            case CREATE_INDEX -> IndexJson.parseCreate(body);
            case CREATE_VECTOR -> VectorNameJson.parse(body);
            case DELETE_COLLECTION,
                    DELETE_INDEX,
                    DELETE_VECTOR,
                    SET_REPLICA_STATE,
                    DROP_REPLICA,
                    ADD_REPLICA,
                    CREATE_SHARD_KEY,
                    DROP_SHARD_KEY -> {} // replica and shard key entries: checked when built
        }
    }
}
