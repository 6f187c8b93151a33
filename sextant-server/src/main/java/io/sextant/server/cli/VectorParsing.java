package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Parses vectors from JSON arrays (JSONL fields, CSV cells). Stateless. */
final class VectorParsing {
    private static final ObjectMapper M = new ObjectMapper();

    private VectorParsing() {}

    /** The numbers of a JSON array; {@code where} names the line/row and field for errors. */
    static float[] fromJson(JsonNode vec, String where) {
        if (!vec.isArray() || vec.isEmpty()) {
            throw new IllegalArgumentException(
                    where + ": vector must be a non-empty JSON array of numbers, got " + abbreviate(vec.toString()));
        }
        float[] v = new float[vec.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = vec.get(i);
            if (!x.isNumber()) {
                throw new IllegalArgumentException(where + ": vector element " + i + " is not a number: " + x);
            }
            v[i] = x.floatValue();
        }
        return v;
    }

    /** Parses a JSON array held in a text cell. */
    static float[] fromJsonText(String text, String where) {
        JsonNode node;
        try {
            node = M.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": vector is not a JSON array: " + abbreviate(text), e);
        }
        if (node == null) {
            throw new IllegalArgumentException(where + ": empty vector");
        }
        return fromJson(node, where);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
