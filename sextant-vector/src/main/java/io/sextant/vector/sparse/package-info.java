/**
 * Sparse vectors ({@link io.sextant.vector.sparse.SparseVector}): unsigned 32-bit dimension ids
 * with float weights, sorted by id, scored by dot product over shared ids (as Qdrant does).
 */
package io.sextant.vector.sparse;
