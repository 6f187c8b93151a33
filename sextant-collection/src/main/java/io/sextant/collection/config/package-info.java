/**
 * Collection configuration as domain records (params, HNSW, optimizers, WAL, quantization,
 * metadata) with Qdrant's defaults and validation, the PATCH diff, and the persisted {@code
 * config.json}.
 *
 * <p>Deviation from "wire types stay in the API layer" (DESIGN.md §2), written down here: the
 * persisted {@code config.json} deliberately uses Qdrant's {@code CollectionConfig} JSON shape
 * ({@link io.sextant.collection.config.CollectionConfigJson}), so an operator can read it against
 * Qdrant's documentation, and the REST layer renders collection info with the same converter
 * instead of a second copy of the mapping. It is a JSON tree (Jackson, the project's JSON model), not
 * a generated wire type; gRPC maps the domain records itself. If the REST shape ever has to diverge
 * from the file format, the REST rendering moves to {@code sextant-server}'s {@code api.convert}
 * and this class keeps only the file format, which has its own {@code format_version}.
 */
package io.sextant.collection.config;
