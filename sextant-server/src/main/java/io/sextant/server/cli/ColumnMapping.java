package io.sextant.server.cli;

import java.util.List;

/**
 * Which fields of a JSONL record or CSV row hold the id, the vector and the payload.
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
}
