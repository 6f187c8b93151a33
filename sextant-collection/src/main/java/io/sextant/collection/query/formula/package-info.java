/**
 * Formula queries: the expression model ({@link io.sextant.collection.query.formula.Expression}),
 * its evaluation ({@link io.sextant.collection.query.formula.FormulaScorer}) and the re-scoring of
 * prefetch results ({@link io.sextant.collection.query.formula.FormulaRescorer}). Decision: formula
 * conditions are answered by filtered scrolls over the candidates rather than evaluated on fetched
 * payloads, so they behave exactly as filters do (indexes, has_vector, nested).
 */
package io.sextant.collection.query.formula;
