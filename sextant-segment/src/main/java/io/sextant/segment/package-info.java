/**
 * Segments: id tracker, vector storage, payload storage, payload field indexes and the filter
 * language (AST, evaluation, planning).
 *
 * <p>Decision: payloads are Jackson {@code ObjectNode}s in the domain. Qdrant's payload is
 * arbitrary JSON, and Jackson's tree is this project's JSON value model (DESIGN.md lists Jackson);
 * treating it as the data model avoids a second JSON tree type and a copy per point. It is not a
 * wire type: no REST or gRPC message type appears below {@code sextant-server}.
 */
package io.sextant.segment;
