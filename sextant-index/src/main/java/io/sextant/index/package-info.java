/**
 * Vector index building blocks that see only int ordinals and scorers: the {@link
 * io.sextant.index.VectorScorer} / {@link io.sextant.index.ScorerSupplier} abstraction with adapters
 * for heap and off-heap float32 rows, and (in {@code io.sextant.index.hnsw}) the HNSW graph.
 *
 * <p>Decision: graph scores are "higher is closer" everywhere ({@link
 * io.sextant.index.ScoreFunction}); Euclid uses the negative squared distance so no square root is
 * taken in the hot loop, and callers convert back with {@link
 * io.sextant.index.ScoreFunction#toDistanceScore}.
 */
package io.sextant.index;
