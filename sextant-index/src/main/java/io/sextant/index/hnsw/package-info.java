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
 *   <li>TWO_HOP expands rejected nodes (stepping stones) only until the first accepted node is
 *       found, then only accepted ones; rejected neighbours are held unscored for an island that
 *       runs dry. Expanding stepping stones after that made queries far from the filter's region
 *       the latency tail (wordnet pos-verb: p99 about 10x p50); see {@code BeamSearch}.
 *   <li>A merge may reuse an existing graph ({@link io.sextant.index.hnsw.HnswGraphRemapper}): nodes
 *       of points not carried over are removed, not kept as tombstones, and each list that named one
 *       is re-selected from its kept neighbours plus the removed node's kept neighbours.
 *   <li>A corrupted or other-version graph file is refused at open ({@link
 *       io.sextant.index.hnsw.IndexCorruptedException}); the owner rebuilds it from the vectors.
 * </ul>
 */
package io.sextant.index.hnsw;
