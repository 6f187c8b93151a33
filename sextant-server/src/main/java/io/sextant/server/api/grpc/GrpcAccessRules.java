package io.sextant.server.api.grpc;

import io.sextant.server.auth.RestAccessRules.Level;
import java.util.Set;

/**
 * What a gRPC call needs, decided from its full method name, with the same levels and the same
 * deny-by-default stance as REST ({@link io.sextant.server.auth.RestAccessRules}): {@code
 * Qdrant/HealthCheck} is open; listing collections and aliases needs any authenticated caller
 * (the endpoints filter by {@link io.sextant.server.auth.Principal#canSee}); reads and searches
 * need read access to the request's {@code collection_name}, point and payload-index changes write
 * access; everything else (creating, changing and deleting collections and aliases, snapshots
 * except listing a collection's, methods added later) needs manage access. Stateless and
 * thread-safe.
 */
final class GrpcAccessRules {

    private static final Set<String> OPEN = Set.of("qdrant.Qdrant/HealthCheck");
    private static final Set<String> AUTHENTICATED =
            Set.of("qdrant.Collections/List", "qdrant.Collections/ListAliases");
    private static final Set<String> READ = Set.of(
            "qdrant.Collections/Get",
            "qdrant.Collections/CollectionExists",
            "qdrant.Collections/ListCollectionAliases",
            "qdrant.Collections/CollectionClusterInfo",
            "qdrant.Collections/ListShardKeys",
            "qdrant.Points/Get",
            "qdrant.Points/Scroll",
            "qdrant.Points/Count",
            "qdrant.Points/Search",
            "qdrant.Points/SearchBatch",
            "qdrant.Points/SearchGroups",
            "qdrant.Points/Recommend",
            "qdrant.Points/RecommendBatch",
            "qdrant.Points/RecommendGroups",
            "qdrant.Points/Discover",
            "qdrant.Points/DiscoverBatch",
            "qdrant.Points/Query",
            "qdrant.Points/QueryBatch",
            "qdrant.Points/QueryGroups",
            "qdrant.Points/Facet",
            "qdrant.Points/SearchMatrixPairs",
            "qdrant.Points/SearchMatrixOffsets",
            "qdrant.Snapshots/List");
    private static final Set<String> WRITE = Set.of(
            "qdrant.Points/Upsert",
            "qdrant.Points/Delete",
            "qdrant.Points/UpdateVectors",
            "qdrant.Points/DeleteVectors",
            "qdrant.Points/SetPayload",
            "qdrant.Points/OverwritePayload",
            "qdrant.Points/DeletePayload",
            "qdrant.Points/ClearPayload",
            "qdrant.Points/CreateFieldIndex",
            "qdrant.Points/DeleteFieldIndex",
            "qdrant.Points/CreateVectorName",
            "qdrant.Points/DeleteVectorName",
            "qdrant.Points/UpdateBatch");

    private GrpcAccessRules() {}

    /** The level a method needs; unknown methods need MANAGE. */
    static Level level(String fullMethodName) {
        if (OPEN.contains(fullMethodName)) {
            return Level.OPEN;
        }
        if (AUTHENTICATED.contains(fullMethodName)) {
            return Level.AUTHENTICATED;
        }
        if (READ.contains(fullMethodName)) {
            return Level.READ;
        }
        if (WRITE.contains(fullMethodName)) {
            return Level.WRITE;
        }
        return Level.MANAGE;
    }
}
