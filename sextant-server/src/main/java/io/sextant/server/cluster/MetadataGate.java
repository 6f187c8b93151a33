package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.MetadataCommand;
import io.sextant.server.api.convert.CollectionJson;
import io.sextant.server.api.convert.IndexJson;

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

    /**
     * Cluster mode: the body is parsed here first, so malformed input is answered with its 4xx and
     * never enters the Raft log; then the command is proposed and the leader's result returned once
     * this peer has applied it.
     */
    static MetadataGate consensus(ClusterNode node) {
        return command -> {
            validate(command);
            return MetadataExecutor.unwrap(node.propose(command));
        };
    }

    private static void validate(MetadataCommand c) {
        JsonNode body = c.body();
        switch (c.type()) {
            case CREATE_COLLECTION -> CollectionJson.parseCreate(body);
            case UPDATE_COLLECTION -> CollectionJson.parsePatch(body);
            case UPDATE_ALIASES -> CollectionJson.parseAliases(body);
            case CREATE_INDEX -> IndexJson.parseCreate(body);
            case DELETE_COLLECTION, DELETE_INDEX -> {}
        }
    }
}
