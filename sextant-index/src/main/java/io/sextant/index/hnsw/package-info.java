/**
 * HNSW: {@link io.sextant.index.hnsw.HnswGraphBuilder} (concurrent, per-node locks, copy-on-write
 * neighbour lists), {@link io.sextant.index.hnsw.HnswSearcher} (plain and filtered search), {@link
 * io.sextant.index.hnsw.HnswGraphWriter} / {@link io.sextant.index.hnsw.MmapHnswGraph} (the
 * versioned, checksummed file and its memory-mapped reader).
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>A new node picks up to {@code 2m} neighbours on level 0 (like Lucene), not {@code m}.
 *   <li>Pruned connections are not re-added ("keepPrunedConnections" off), as in hnswlib.
 *   <li>Payload sub-graph links are merged on top of the {@code 2m} level-0 links, so level-0 degree
 *       can exceed {@code 2m}; the file stores the actual largest degree.
 *   <li>Filtered search offers two traversals ({@link io.sextant.index.hnsw.FilterTraversal}); the
 *       planner in sextant-segment picks one (TWO_HOP for selective filters with payload links)
 *       or exact search.
 *   <li>A corrupted or other-version graph file is refused at open ({@link
 *       io.sextant.index.hnsw.IndexCorruptedException}); the owner rebuilds it from the vectors.
 * </ul>
 */
package io.sextant.index.hnsw;
