package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
        return mapping.toPoint((ObjectNode) node, record++, "line " + lineNo);
    }
}
