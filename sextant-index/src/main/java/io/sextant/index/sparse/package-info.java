/**
 * The sparse-vector inverted index: {@link io.sextant.index.sparse.MutableSparseIndex} for
 * appendable segments (heap, one writer, lock-free readers) and {@link
 * io.sextant.index.sparse.SparseIndexWriter} / {@link io.sextant.index.sparse.MmapSparseIndex} for
 * immutable ones (a versioned, checksummed, block-compressed file, resident or memory-mapped), both
 * searched by {@link io.sextant.index.sparse.BlockMaxScoreSearch}. Sees only ordinals and {@link
 * io.sextant.vector.sparse.SparseVector}s.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>Results are exact and bit-identical to a brute-force scan with {@code SparseVector.dot}:
 *       products are added in ascending dimension order; pruning compares bounds padded by a
 *       float-rounding margin; survivors of pruning are rescored in dimension order.
 *   <li>Pruning is Lucene-style MaxScore over windows of ordinals with block maxima (measured
 *       faster on WordNet BM25 than scoring every posting, Qdrant's batch approach before its
 *       pruning of the longest list kicks in). Queries with a weight {@code <= 0} (recommend) are
 *       scored exhaustively, as block maxima bound products only for positive query weights.
 *   <li>An ordinal is a candidate only when it shares a dimension with the query; a shared
 *       dimension with weight 0 still makes it one (as in brute force with {@code overlaps}).
 *   <li>Blocks of 128 postings: bit-packed ordinal gaps (one width per block) and FLOAT32,
 *       FLOAT16 (saturating) or UINT8 weights (linear per block). Lossy types are exact over the
 *       decoded weights.
 *   <li>A corrupted, truncated or other-version file is refused at open ({@link
 *       io.sextant.index.hnsw.IndexCorruptedException}) after a CRC32C and a full structural
 *       decode; the owner rebuilds it from the vectors.
 * </ul>
 */
package io.sextant.index.sparse;
