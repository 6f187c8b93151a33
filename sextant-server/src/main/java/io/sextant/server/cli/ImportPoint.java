package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One point read from an import source: its id (a JSON integer or UUID string, as the REST API
 * takes it), its dense vector and its payload (possibly empty). Immutable by convention.
 *
 * @param id point id as JSON (number or string)
 * @param vector the dense vector
 * @param payload payload object, never null
 */
public record ImportPoint(JsonNode id, float[] vector, ObjectNode payload) {}
