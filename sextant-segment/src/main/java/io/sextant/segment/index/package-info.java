/**
 * In-memory payload field indexes of one segment and the compilation of filters into {@link
 * io.sextant.segment.index.OffsetFilter}s over segment offsets.
 *
 * <p>Decisions: indexes are rebuilt from payloads when a segment opens (nothing persisted here);
 * indexed and unindexed filtering give identical results (property-tested), except full-text
 * {@code text}/{@code phrase} (token vs substring, Qdrant's rule); a point holding a value of the
 * wrong type for an index created over existing data is evaluated on its payload; uuid indexes
 * compare the string verbatim, like unindexed filtering; the geo index scans its parsed points.
 * Qdrant's {@code memory} (and {@code on_disk}) of a field index is kept in its {@link
 * io.sextant.segment.index.PayloadIndexSpec} and echoed, but every index lives on the heap (Qdrant's
 * pinned): there is no on-disk field index to move to yet.
 */
package io.sextant.segment.index;
