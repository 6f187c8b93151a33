package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.segment.query.ScoredPoint;
import java.io.IOException;
import java.util.List;

/**
 * Writes Qdrant's {@code ScoredPoint} list straight to a {@link JsonGenerator}: the same bytes as
 * serializing {@link PointJson#writeScoredList(List, VectorShapes)}'s tree (fields {@code id},
 * {@code version}, {@code score}, {@code payload}, {@code vector} in that order, nulls written),
 * without building an object node per hit first. Payload and vector values, which are trees
 * already (or small), are written as trees. Stateless and thread-safe.
 */
public final class ScoredPointsWriter {

    private ScoredPointsWriter() {}

    /** {@code [{"id":…,"version":…,"score":…,"payload":…,"vector":…}, …]}. */
    public static void write(JsonGenerator g, List<ScoredPoint> points, VectorShapes shapes) throws IOException {
        g.writeStartArray();
        for (ScoredPoint p : points) {
            g.writeStartObject();
            g.writeFieldName("id");
            PointIdJson.write(g, p.id());
            g.writeNumberField("version", p.version());
            g.writeNumberField("score", p.score());
            g.writeFieldName("payload");
            if (p.payload() == null) {
                g.writeNull();
            } else {
                g.writeTree(p.payload());
            }
            g.writeFieldName("vector");
            if (p.vectors() == null) {
                g.writeNull();
            } else {
                g.writeTree(PointJson.writeVectors(p.vectors(), p.sparseVectors(), shapes));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
