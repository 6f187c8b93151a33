package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * JSONL: one JSON object per line holding the id, the vector (a JSON array) and payload fields,
 * mapped by a {@link ColumnMapping}. Blank lines are skipped (and still counted for line numbers).
 * A record without the id field gets its record number as id. Not thread-safe.
 */
final class JsonlPointSource extends LinePointSource {
    private static final ObjectMapper M = new ObjectMapper();

    private final ColumnMapping mapping;
    private long record;

    JsonlPointSource(Path file, ColumnMapping mapping) throws IOException {
        super(Files.newBufferedReader(file, StandardCharsets.UTF_8), 0, LineCounter.nonBlankLines(file));
        this.mapping = mapping;
        readAhead();
    }

    @Override
    ImportPoint parse(String line) {
        JsonNode node;
        try {
            node = M.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("line " + lineNo + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "line " + lineNo + ": expected a JSON object, got " + node.getNodeType());
        }
        long rec = record++;
        JsonNode id = node.get(mapping.idField());
        if (id == null || id.isNull()) {
            id = LongNode.valueOf(rec);
        } else if (!(id.canConvertToLong() && id.isIntegralNumber()) && !id.isTextual()) {
            throw new IllegalArgumentException(
                    "line " + lineNo + ": field `" + mapping.idField() + "` must be an integer or UUID, got " + id);
        }
        JsonNode vec = node.get(mapping.vectorField());
        if (vec == null) {
            throw new IllegalArgumentException(
                    "line " + lineNo + ": missing vector field `" + mapping.vectorField() + "`");
        }
        float[] vector = VectorParsing.fromJson(vec, "line " + lineNo + ", field `" + mapping.vectorField() + "`");
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (mapping.isPayload(e.getKey())) {
                payload.set(e.getKey(), e.getValue());
            }
        }
        return new ImportPoint(id, vector, payload);
    }
}
