package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which fields of a JSONL record, Parquet row or CSV row hold the id, the vector and the payload.
 *
 * @param idField field with the point id; when absent from a record the row number is used
 * @param vectorField field with the vector as a JSON array
 * @param vectorColumns CSV only: numeric columns forming the vector, in order (empty: use vectorField)
 * @param payloadFields fields copied into the payload; empty means every remaining field
 */
public record ColumnMapping(
        String idField, String vectorField, List<String> vectorColumns, List<String> payloadFields) {

    public ColumnMapping {
        vectorColumns = List.copyOf(vectorColumns);
        payloadFields = List.copyOf(payloadFields);
    }

    /** The defaults: {@code id}, {@code vector}, every other field as payload. */
    public static ColumnMapping defaults() {
        return new ColumnMapping("id", "vector", List.of(), List.of());
    }

    /** True when {@code field} goes into the payload. */
    boolean isPayload(String field) {
        if (field.equals(idField) || field.equals(vectorField) || vectorColumns.contains(field)) {
            return false;
        }
        return payloadFields.isEmpty() || payloadFields.contains(field);
    }

    /**
     * Maps one record (a JSON object: a JSONL line or a Parquet row) to a point: the id field (an
     * integer or UUID string; the record number {@code rec} when absent or null), the vector field
     * and the payload fields.
     *
     * @param where the record's place for error messages, e.g. "line 7" or "row 12"
     */
    ImportPoint toPoint(ObjectNode node, long rec, String where) {
        JsonNode id = node.get(idField);
        if (id == null || id.isNull()) {
            id = LongNode.valueOf(rec);
        } else if (!(id.canConvertToLong() && id.isIntegralNumber()) && !id.isTextual()) {
            throw new IllegalArgumentException(
                    where + ": field `" + idField + "` must be an integer or UUID, got " + id);
        }
        JsonNode vec = node.get(vectorField);
        if (vec == null) {
            throw new IllegalArgumentException(where + ": missing vector field `" + vectorField + "`");
        }
        float[] vector = VectorParsing.fromJson(vec, where + ", field `" + vectorField + "`");
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (isPayload(e.getKey())) {
                payload.set(e.getKey(), e.getValue());
            }
        }
        return new ImportPoint(id, vector, payload);
    }
}
