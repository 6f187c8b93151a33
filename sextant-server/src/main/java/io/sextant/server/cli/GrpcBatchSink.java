package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.sextant.server.api.grpc.convert.ValueProto;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Upserts batches over Qdrant's gRPC API with the official Java client ({@code io.qdrant:client}),
 * {@code wait=true}, so a batch counts as done once the server made it durable; the same as {@link
 * RestBatchSink} otherwise. Statuses that mean bad input (INVALID_ARGUMENT, NOT_FOUND,
 * FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE, PERMISSION_DENIED, UNAUTHENTICATED) fail at
 * once as a {@link BatchRejectedException}; others (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ...)
 * are retried with the REST client's backoff (200 ms doubling, at most 10 s) up to {@code retries}
 * times. Thread-safe (the client is).
 */
final class GrpcBatchSink implements ImportTarget {
    private final QdrantClient client;
    private final String collection;
    private final String target;
    private final int retries;

    GrpcBatchSink(String url, int grpcPort, String apiKey, String collection, int retries) {
        URI u = URI.create(url);
        String host = u.getHost() == null ? "localhost" : u.getHost();
        boolean tls = "https".equalsIgnoreCase(u.getScheme());
        QdrantGrpcClient.Builder b =
                QdrantGrpcClient.newBuilder(host, grpcPort, tls, false); // no client/server version check
        if (apiKey != null && !apiKey.isEmpty()) {
            b.withApiKey(apiKey);
        }
        this.client = new QdrantClient(b.build());
        this.collection = collection;
        this.target = (tls ? "grpcs://" : "grpc://") + host + ":" + grpcPort;
        this.retries = retries;
    }

    @Override
    public void upsert(long batchNo, List<ImportPoint> points) throws IOException, InterruptedException {
        List<Points.PointStruct> structs = new ArrayList<>(points.size());
        for (ImportPoint p : points) {
            Points.PointStruct.Builder s = Points.PointStruct.newBuilder()
                    .setId(id(p.id(), batchNo))
                    .setVectors(VectorsFactory.vectors(p.vector()));
            if (!p.payload().isEmpty()) {
                s.putAllPayload(ValueProto.toProtoMap(p.payload()));
            }
            structs.add(s.build());
        }
        Points.UpsertPoints req = Points.UpsertPoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .addAllPoints(structs)
                .build();
        call("upsert of batch " + batchNo, () -> client.upsertAsync(req));
    }

    private static Common.PointId id(JsonNode id, long batchNo) throws BatchRejectedException {
        if (id.isIntegralNumber() && id.canConvertToLong() && id.asLong() >= 0) {
            return PointIdFactory.id(id.asLong());
        }
        if (id.isTextual()) {
            try {
                return PointIdFactory.id(UUID.fromString(id.asText()));
            } catch (IllegalArgumentException e) {
                // falls through to the rejection
            }
        }
        throw new BatchRejectedException(
                "batch " + batchNo + ": point id " + id + " is neither an unsigned integer nor a UUID", null);
    }

    @Override
    public int vectorSize() throws IOException, InterruptedException {
        if (!call("collection lookup", () -> client.collectionExistsAsync(collection))) {
            return -1;
        }
        Collections.CollectionInfo info = call("collection info", () -> client.getCollectionInfoAsync(collection));
        Collections.VectorsConfig vectors = info.getConfig().getParams().getVectorsConfig();
        return vectors.hasParams() ? (int) vectors.getParams().getSize() : 0;
    }

    @Override
    public void create(int size, String distance) throws IOException, InterruptedException {
        Collections.Distance d;
        try {
            d = Collections.Distance.valueOf(distance.substring(0, 1).toUpperCase(Locale.ROOT)
                    + distance.substring(1).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new BatchRejectedException("unknown distance " + distance + " (Cosine, Euclid, Dot, Manhattan)", e);
        }
        Collections.VectorParams params = Collections.VectorParams.newBuilder()
                .setSize(size)
                .setDistance(d)
                .build();
        call("create collection", () -> client.createCollectionAsync(collection, params));
    }

    /** One call with the retry policy; the future's failure cause decides retry or rejection. */
    private <T> T call(String what, java.util.function.Supplier<Future<T>> op)
            throws IOException, InterruptedException {
        long backoff = 200;
        for (int attempt = 0; ; attempt++) {
            try {
                return op.get().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                Status status = cause instanceof StatusRuntimeException s ? s.getStatus() : Status.fromThrowable(cause);
                String msg = what + " at " + target + ": " + status.getCode()
                        + (status.getDescription() == null ? "" : ": " + status.getDescription());
                if (rejects(status.getCode())) {
                    throw new BatchRejectedException(msg, cause);
                }
                if (attempt >= retries) {
                    throw new IOException(msg, cause);
                }
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    static boolean rejects(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT,
                    NOT_FOUND,
                    FAILED_PRECONDITION,
                    ALREADY_EXISTS,
                    OUT_OF_RANGE,
                    PERMISSION_DENIED,
                    UNAUTHENTICATED -> true;
            default -> false;
        };
    }

    @Override
    public String describe() {
        return target;
    }

    @Override
    public void close() {
        client.close();
    }
}
