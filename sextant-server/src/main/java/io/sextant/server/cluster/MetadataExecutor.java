package io.sextant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.MetadataApplier;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.collection.AliasDescription;
import io.sextant.collection.Collection;
import io.sextant.collection.CollectionUpdateResult;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.server.api.convert.CollectionJson;
import io.sextant.server.api.convert.IndexJson;
import io.sextant.server.api.convert.VectorNameJson;
import io.sextant.server.api.grpc.convert.GrpcMetadataCommands;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes collection-level metadata commands on this node's {@link TableOfContents}, parsing
 * their Qdrant wire bodies with the REST converters: the one implementation of create / update /
 * delete collection, alias batches, payload index and named vector changes, used directly by a standalone node
 * and by the Raft state machine on every peer of a cluster. Thread-safe (the table of contents
 * is).
 */
public final class MetadataExecutor implements MetadataApplier {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataExecutor.class);

    private final TableOfContents toc;
    private final io.sextant.server.api.NewCollectionRules rules;

    public MetadataExecutor(TableOfContents toc) {
        this(toc, io.sextant.server.api.NewCollectionRules.QDRANT);
    }

    /** @param rules {@code storage.max_collections} and the node's defaults for new collections */
    public MetadataExecutor(TableOfContents toc, io.sextant.server.api.NewCollectionRules rules) {
        this.toc = toc;
        this.rules = rules;
    }

    /**
     * Executes {@code c}, returning the REST {@code result}.
     *
     * @throws UserException for bad input or a missing or existing collection, as the REST API
     */
    public JsonNode execute(MetadataCommand c) {
        return switch (c.type()) {
            case CREATE_COLLECTION -> {
                rules.checkCreate(toc, c.collection());
                toc.create(
                        c.collection(),
                        c.form() == MetadataCommand.Form.GRPC
                                ? GrpcMetadataCommands.createConfig(c, rules.defaults())
                                : CollectionJson.parseCreate(c.body(), rules.defaults()));
                yield BooleanNode.TRUE;
            }
            case UPDATE_COLLECTION -> {
                toc.update(
                        c.collection(),
                        c.form() == MetadataCommand.Form.GRPC
                                ? GrpcMetadataCommands.patch(c)
                                : CollectionJson.parsePatch(c.body()));
                yield BooleanNode.TRUE;
            }
            case DELETE_COLLECTION -> BooleanNode.valueOf(toc.delete(c.collection()));
            case UPDATE_ALIASES -> {
                toc.updateAliases(CollectionJson.parseAliases(c.body()));
                yield BooleanNode.TRUE;
            }
            case CREATE_INDEX -> {
                Collection coll = toc.get(c.collection());
                PointOperation op = c.form() == MetadataCommand.Form.GRPC
                        ? GrpcMetadataCommands.createIndexOperation(c)
                        : restIndex(IndexJson.parseCreate(c.body()));
                coll.strictMode().checkUpdate(op);
                yield updated(coll.update(op, c.waitApplied()));
            }
            case DELETE_INDEX ->
                updated(toc.get(c.collection()).update(new PointOperation.DeleteFieldIndex(c.name()), c.waitApplied()));
            case CREATE_VECTOR ->
                updated(toc.createVector(
                        c.collection(),
                        c.name(),
                        c.form() == MetadataCommand.Form.GRPC
                                ? GrpcMetadataCommands.vectorConfig(c)
                                : VectorNameJson.parse(c.body())));
            case DELETE_VECTOR -> updated(toc.deleteVector(c.collection(), c.name()));
            case CREATE_SHARD_KEY -> {
                toc.createShardKey(c.collection(), ShardKeyCommands.key(c), ShardKeyCommands.shardsNumber(c));
                yield BooleanNode.TRUE;
            }
            case DROP_SHARD_KEY -> {
                toc.dropShardKey(c.collection(), ShardKeyCommands.key(c));
                yield BooleanNode.TRUE;
            }
            case SET_REPLICA_STATE,
                    DROP_REPLICA,
                    ADD_REPLICA,
                    START_TRANSFER,
                    FINISH_TRANSFER,
                    ABORT_TRANSFER -> // the cluster's appliers handle these before they get here
                throw UserException.badRequest("Replica states exist only in cluster mode");
        };
    }

    private static PointOperation restIndex(IndexJson.CreateIndex req) {
        return new PointOperation.CreateFieldIndex(req.fieldName(), req.spec());
    }

    private static JsonNode updated(CollectionUpdateResult r) {
        ObjectNode res = JsonNodeFactory.instance.objectNode();
        res.put("operation_id", r.operationId());
        res.put("status", r.status().wireName());
        return res;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        try {
            return MetadataResult.ok(execute(command));
        } catch (UserException e) {
            return MetadataResult.failed(e.kind().name(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return MetadataResult.failed(UserException.Kind.BAD_REQUEST.name(), "Wrong input: " + e.getMessage());
        } catch (RuntimeException e) { // a service error on this peer: reported, the log goes on
            LOG.error("Applying {} of {} failed on this peer", command.type(), command.collection(), e);
            return MetadataResult.failed("SERVICE", e instanceof ServiceException ? e.getMessage() : e.toString());
        }
    }

    /** Turns a failed result back into the exception the REST error mapper answers. */
    public static JsonNode unwrap(MetadataResult r) {
        if (r.succeeded()) {
            return r.result();
        }
        UserException.Kind kind;
        try {
            kind = UserException.Kind.valueOf(r.errorKind());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ServiceException(r.error());
        }
        throw new UserException(kind, r.error());
    }

    @Override
    public Set<String> localCollections() {
        Set<String> names = new TreeSet<>(toc.list());
        toc.failedCollections().forEach(f -> names.add(f.name()));
        return names;
    }

    @Override
    public Map<String, String> localAliases() {
        Map<String, String> out = new LinkedHashMap<>();
        for (AliasDescription a : toc.aliases()) {
            out.put(a.alias(), a.collection());
        }
        return out;
    }
}
