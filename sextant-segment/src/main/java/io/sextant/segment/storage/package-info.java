/**
 * Segment storage: {@link io.sextant.segment.storage.Segment} (id tracker, versions, payloads,
 * deleted flags, vector presence, payload indexes), {@link
 * io.sextant.segment.storage.MmapVectorStorage} (memory-mapped float32 vectors, growable chunks or
 * read-only/resident), {@link io.sextant.segment.storage.SegmentWriter} (immutable segments) and
 * the file codecs {@link io.sextant.segment.storage.PointsFile} and {@link
 * io.sextant.segment.storage.DeletedFile}. Every file starts with a {@link
 * io.sextant.segment.storage.FileHeader} and is replaced atomically ({@link
 * io.sextant.segment.storage.AtomicFiles}).
 *
 * <p>Decision: payloads are held on the Java heap as {@code ObjectNode}s (loaded from {@code
 * points.bin} at open); an on-disk payload store for immutable segments is future work.
 */
package io.sextant.segment.storage;
