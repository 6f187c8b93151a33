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
 * <p>Decision: payloads are a {@link io.sextant.segment.storage.PayloadColumn}. Appendable segments
 * (payloads change in place) hold decoded {@code ObjectNode}s on the Java heap ({@link
 * io.sextant.segment.storage.HeapPayloadColumn}). Immutable segments follow the collection: with
 * {@code on_disk_payload: true} (the default) or {@code payload.memory: cached | cold} they keep
 * only an int per offset and decode the JSON that {@code points.bin} already stores on every read
 * ({@link io.sextant.segment.storage.MappedPayloadColumn}; no format change), so the heap holds no
 * payload trees (issue P12 item 6: ~180 MB of trees for wordnet-bge384 before); with {@code
 * on_disk_payload: false} and no {@code payload.memory} they keep the heap column, the fastest for
 * filters on fields without an index: a full scan of 115,659 wordnet payloads on {@code pos} took
 * 45-62 ms on the heap and 123-239 ms mapped (1-2 us to decode a payload; {@code PayloadScanBench}
 * in sextant-bench). Fields with a payload index are answered by the index either way.
 *
 * <p>Memory placement (Qdrant's {@code memory: pinned | cached | cold}, resolved by {@link
 * io.sextant.segment.config.MemoryPlacement}; the mechanism is {@code io.sextant.index.memory}).
 * Applies to the read-only files of <b>immutable</b> segments; an appendable segment's vectors are
 * always growable mappings and its sparse index a heap structure, whatever the placement.
 *
 * <ul>
 *   <li><b>Dense vectors</b> ({@link io.sextant.segment.storage.MmapVectorStorage}): cached = mapped
 *       and prefaulted (the default, and {@code on_disk: false}); cold = mapped, no readahead,
 *       nothing read at open ({@code on_disk: true}); pinned = a locked off-heap copy. Qdrant refuses
 *       pinned for dense vectors at the API (422); the segment honours it anyway for callers below
 *       the API.
 *   <li><b>HNSW graph</b> (MmapHnswGraph): the same three, default cached; the CRC pass at open of a
 *       cold graph is evicted again.
 *   <li><b>Quantized codes</b>: pinned = locked copy ({@code always_ram: true}), cached, cold; unset
 *       follows the dense vectors.
 *   <li><b>Sparse inverted index</b> (MmapSparseIndex): default pinned (Qdrant's heap variant, here
 *       a locked off-heap copy), {@code on_disk: true} = cold, cached = prefaulted mapping.
 *   <li><b>Payload storage</b> (see above): cold = mapped {@code points.bin}, readahead off, the
 *       pages read at open (payload index builds) dropped again ({@code on_disk_payload: true});
 *       cached = the same mapping prefaulted; pinned is refused at the API (422) as in Qdrant, and
 *       {@code on_disk_payload: false} means decoded trees on the heap.
 *   <li><b>Payload field indexes</b>: heap structures rebuilt at open ({@code io.sextant.segment.index}),
 *       i.e. always what Qdrant calls pinned. {@code memory} is accepted, persisted and echoed only.
 * </ul>
 *
 * <p>A PATCH that changes only placements (or search-time settings) makes the shard's optimizer
 * reopen each immutable segment in its own directory for the new config (no rewrite, no rebuild);
 * the retired instance gives its pages back ({@code PlacedFiles.release}) while searches still on
 * it fault them in again from the file.
 *
 * <p>Size: {@code Segment} is past the 800 lines DESIGN.md allows without a reason (973 after P8).
 * It is still one mechanism (the per-offset columns and the files they point into, with one writer
 * and lock-free readers), but it has grown three jobs that can leave: opening and checking files
 * (including the named-vector remap), loading and placing vector indexes ({@code
 * loadVectorIndexes}, {@code placedBytes}), and the read API. The next change that touches it should
 * move the open/check path and the index loading into their own classes ({@code SegmentOpener},
 * {@code SegmentIndexes}); left as is in P8 to keep four parallel merges reviewable, and again in P9
 * (1,048 lines after {@code prevent_unoptimized}'s read visibility and the payload storage size were
 * added: both read the per-offset columns, so they belong here; the open/check and index-loading
 * split is still owed and is the first thing the next change to this class should do).
 */
package io.sextant.segment.storage;
