package io.sextant.server.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.MetadataCommand;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.server.api.NewCollectionRules;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.VectorShapes;
import io.sextant.server.cluster.MetadataExecutor;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an import straight into a storage directory while its server is down ({@code sextant
 * import --storage-path D}): it opens the directory's {@link TableOfContents} in this process,
 * which takes the directory's lock ({@code io.sextant.collection.StorageLock}), so a running
 * server (or another import) on it is refused with a clear message, and a server started during
 * the import is refused too. Each batch goes through the same parser, validation and WAL as a
 * {@code PUT /collections/{c}/points?wait=true} on the server, so an acknowledged batch is durable
 * and the checkpoint and resume work as over REST; collections are created by the same executor
 * as the REST API, with the node's defaults from its configuration. Closing flushes and closes
 * every collection; indexing that did not finish is done by the server when it next starts.
 *
 * <p>Cluster-mode storage (a {@code cluster} directory) is refused: its collections are placed
 * and replicated through consensus, so points written around it would be on one peer only.
 *
 * <p>Thread-safe (the collection serializes its own writes).
 */
final class LocalBatchSink implements ImportTarget {
    private final Path storage;
    private final String collection;
    private final TableOfContents toc;
    private final MetadataExecutor executor;

    private LocalBatchSink(Path storage, String collection, TableOfContents toc, MetadataExecutor executor) {
        this.storage = storage;
        this.collection = collection;
        this.toc = toc;
        this.executor = executor;
    }

    /**
     * Opens {@code storage} for importing into {@code collection}.
     *
     * @param rules the node's limits and defaults for new collections (from its configuration)
     * @throws IllegalArgumentException when the directory is cluster-mode storage or not a directory
     * @throws io.sextant.segment.error.ServiceException when it is locked by a running server
     */
    static LocalBatchSink open(Path storage, String collection, NewCollectionRules rules) {
        if (Files.exists(storage) && !Files.isDirectory(storage)) {
            throw new IllegalArgumentException("--storage-path " + storage + " is not a directory");
        }
        if (Files.isDirectory(storage.resolve("cluster"))) {
            throw new IllegalArgumentException("--storage-path " + storage
                    + " belongs to a cluster peer; import into a cluster over REST or gRPC (--url) instead");
        }
        TableOfContents toc = TableOfContents.open(storage, LocalShard::open);
        return new LocalBatchSink(storage, collection, toc, new MetadataExecutor(toc, rules));
    }

    @Override
    public int vectorSize() {
        Collection c;
        try {
            c = toc.get(collection);
        } catch (UserException e) {
            if (e.kind() == UserException.Kind.NOT_FOUND) {
                return -1;
            }
            throw e;
        }
        VectorParams v = c.config().vector("");
        return v == null ? 0 : v.size();
    }

    @Override
    public void create(int size, String distance) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("vectors").put("size", size).put("distance", distance);
        try {
            executor.execute(MetadataCommand.of(MetadataCommand.Type.CREATE_COLLECTION, collection, body));
        } catch (UserException e) {
            throw new BatchRejectedException("cannot create collection '" + collection + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void upsert(long batchNo, List<ImportPoint> points) throws IOException {
        try {
            Collection c = toc.get(collection);
            PointOperation op =
                    PointJson.parseUpsertOperation(RestBatchSink.upsertBody(points), "", VectorShapes.of(c.config()));
            c.strictMode().checkUpdate(op);
            c.update(op, true);
        } catch (UserException e) {
            throw new BatchRejectedException("batch " + batchNo + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return storage.toString();
    }

    @Override
    public void close() {
        toc.close();
    }
}
