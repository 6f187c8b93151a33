package io.sextant.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Upserts batches with {@code PUT /collections/{c}/points?wait=true}, so a batch counts as done only
 * once the server has made it durable. Also creates the collection and counts points. Thread-safe.
 */
final class RestBatchSink implements ImportTarget {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final RestClient client;
    private final String path;

    RestBatchSink(RestClient client, String collection) {
        this.client = client;
        this.path = "/collections/" + URLEncoder.encode(collection, StandardCharsets.UTF_8);
    }

    @Override
    public void upsert(long batchNo, List<ImportPoint> points) throws IOException, InterruptedException {
        client.json("PUT", path + "/points?wait=true", upsertBody(points));
    }

    /** The body of {@code PUT /collections/{c}/points} for {@code points}. */
    static ObjectNode upsertBody(List<ImportPoint> points) {
        ObjectNode body = F.objectNode();
        ArrayNode arr = body.putArray("points");
        for (ImportPoint p : points) {
            ObjectNode o = arr.addObject();
            o.set("id", p.id());
            ArrayNode v = o.putArray("vector");
            for (float x : p.vector()) {
                v.add(x);
            }
            if (!p.payload().isEmpty()) {
                o.set("payload", p.payload());
            }
        }
        return body;
    }

    @Override
    public int vectorSize() throws IOException, InterruptedException {
        try {
            return client.json("GET", path, null)
                    .path("config")
                    .path("params")
                    .path("vectors")
                    .path("size")
                    .asInt(0);
        } catch (RestClient.RestException e) {
            if (e.status == 404) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public void create(int size, String distance) throws IOException, InterruptedException {
        ObjectNode body = F.objectNode();
        body.putObject("vectors").put("size", size).put("distance", distance);
        client.json("PUT", path, body);
    }

    @Override
    public String describe() {
        return client.base();
    }

    @Override
    public void close() {}

    /** Exact point count. */
    long count() throws IOException, InterruptedException {
        ObjectNode body = F.objectNode().put("exact", true);
        return client.json("POST", path + "/points/count", body).path("count").asLong();
    }
}
