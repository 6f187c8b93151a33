package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.cluster.MetadataCommand;
import io.sextant.collection.AliasOperation;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.segment.ops.PointOperation;
import io.sextant.server.api.convert.CollectionDefaults;

/**
 * gRPC collection-management requests as {@link MetadataCommand}s for the metadata log (cluster
 * mode), and back. Create, update collection and create payload index travel in the command's
 * {@link MetadataCommand.Form#GRPC} form (the request message itself: there is no converter from
 * these protos to REST bodies, and the message is Qdrant's own versioned wire), decoded on every
 * peer by the same {@link CollectionProto}/{@link UpdateProto} converters a standalone node uses.
 * Delete collection, alias batches and delete payload index become REST-form commands: their
 * bodies are trivial, and the metadata ledger reads alias batches in REST form. Each request is
 * validated here first, so bad input gets its 4xx and never enters the log. Stateless.
 */
public final class GrpcMetadataCommands {

    private GrpcMetadataCommands() {}

    /** {@code Collections/Create}; validated against {@code defaults}. */
    public static MetadataCommand create(Collections.CreateCollection r, CollectionDefaults defaults) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        CollectionProto.create(r, defaults);
        return MetadataCommand.grpc(MetadataCommand.Type.CREATE_COLLECTION, name, null, r.toByteArray(), false);
    }

    /** {@code Collections/Update}. */
    public static MetadataCommand update(Collections.UpdateCollection r) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        CollectionProto.update(r);
        return MetadataCommand.grpc(MetadataCommand.Type.UPDATE_COLLECTION, name, null, r.toByteArray(), false);
    }

    /** {@code Collections/Delete}. */
    public static MetadataCommand delete(Collections.DeleteCollection r) {
        return MetadataCommand.of(
                MetadataCommand.Type.DELETE_COLLECTION, ProtoChecks.collectionName(r.getCollectionName()), null);
    }

    /** {@code Collections/UpdateAliases} as the REST body {@code {"actions":[…]}}. */
    public static MetadataCommand aliases(Collections.ChangeAliases r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode actions = f.arrayNode();
        for (AliasOperation op : CollectionProto.aliases(r)) {
            ObjectNode action = actions.addObject();
            switch (op) {
                case AliasOperation.Create c ->
                    action.putObject("create_alias")
                            .put("collection_name", c.collection())
                            .put("alias_name", c.alias());
                case AliasOperation.Rename n ->
                    action.putObject("rename_alias")
                            .put("old_alias_name", n.oldAlias())
                            .put("new_alias_name", n.newAlias());
                case AliasOperation.Delete d -> action.putObject("delete_alias").put("alias_name", d.alias());
            }
        }
        ObjectNode body = f.objectNode();
        body.set("actions", actions);
        return new MetadataCommand(MetadataCommand.Type.UPDATE_ALIASES, null, null, body, false);
    }

    /** {@code Points/CreateFieldIndex}. */
    public static MetadataCommand createIndex(Points.CreateFieldIndexCollection r) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        UpdateProto.createFieldIndex(r);
        return MetadataCommand.grpc(MetadataCommand.Type.CREATE_INDEX, name, null, r.toByteArray(), r.getWait());
    }

    /** {@code Points/DeleteFieldIndex}. */
    public static MetadataCommand deleteIndex(Points.DeleteFieldIndexCollection r) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        UpdateProto.deleteFieldIndex(r);
        return new MetadataCommand(MetadataCommand.Type.DELETE_INDEX, name, r.getFieldName(), null, r.getWait());
    }

    /** {@code Points/CreateVectorName}: the request is checked here, then carried as it is. */
    public static MetadataCommand createVector(Points.CreateVectorNameRequest r) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        VectorNameProto.parse(r);
        return MetadataCommand.grpc(MetadataCommand.Type.CREATE_VECTOR, name, r.getVectorName(), r.toByteArray(), true);
    }

    /** {@code Points/DeleteVectorName}. */
    public static MetadataCommand deleteVector(Points.DeleteVectorNameRequest r) {
        String name = ProtoChecks.collectionName(r.getCollectionName());
        return new MetadataCommand(MetadataCommand.Type.DELETE_VECTOR, name, r.getVectorName(), null, true);
    }

    // ---------------------------------------------------------------- decoding (every peer)

    /** The vector of a gRPC-form create-vector command. */
    public static io.sextant.collection.config.VectorNameConfig vectorConfig(MetadataCommand c) {
        try {
            return VectorNameProto.parse(Points.CreateVectorNameRequest.parseFrom(c.grpcMessage()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw ProtoChecks.bad("", "unreadable CreateVectorNameRequest in the metadata log: " + e.getMessage());
        }
    }

    /** The create request of a gRPC-form create command. */
    public static Collections.CreateCollection createRequest(MetadataCommand c) {
        try {
            return Collections.CreateCollection.parseFrom(c.grpcMessage());
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw ProtoChecks.bad("", "unreadable CreateCollection in the metadata log: " + e.getMessage());
        }
    }

    /** The collection config of a gRPC-form create command over the node's {@code defaults}. */
    public static CollectionConfig createConfig(MetadataCommand c, CollectionDefaults defaults) {
        return CollectionProto.create(createRequest(c), defaults);
    }

    /**
     * A gRPC-form create with {@code shardNumber} filled in when the request left it out (the number
     * of peers in a cluster), so every peer creates the same collection.
     */
    public static MetadataCommand withDefaultShardNumber(MetadataCommand c, int shardNumber) {
        Collections.CreateCollection r = createRequest(c);
        if (r.hasShardNumber()) {
            return c;
        }
        MetadataCommand filled = MetadataCommand.grpc(
                c.type(),
                c.collection(),
                c.name(),
                r.toBuilder().setShardNumber(shardNumber).build().toByteArray(),
                c.waitApplied());
        return filled.with(filled.body(), c.placement());
    }

    /** The patch of a gRPC-form update command. */
    public static CollectionConfigPatch patch(MetadataCommand c) {
        try {
            return CollectionProto.update(Collections.UpdateCollection.parseFrom(c.grpcMessage()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw ProtoChecks.bad("", "unreadable UpdateCollection in the metadata log: " + e.getMessage());
        }
    }

    /** The index operation of a gRPC-form create-index command. */
    public static PointOperation createIndexOperation(MetadataCommand c) {
        try {
            return UpdateProto.createFieldIndex(Points.CreateFieldIndexCollection.parseFrom(c.grpcMessage()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw ProtoChecks.bad("", "unreadable CreateFieldIndexCollection in the metadata log: " + e.getMessage());
        }
    }
}
