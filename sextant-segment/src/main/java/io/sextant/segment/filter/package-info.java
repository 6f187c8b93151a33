/**
 * The filter language (Qdrant's {@code Filter}) and its evaluation on one point.
 *
 * <p>Decisions: semantics follow Qdrant (see {@link io.sextant.segment.filter.FilterEvaluator} and
 * {@link io.sextant.segment.filter.ValueMatchers}); deviations, all documented there: an integral
 * float such as {@code 3.0} equals the integer 3; {@code values_count} ignores nulls; {@code text}
 * and {@code phrase} on a field without a full-text index are substring matches, with an index
 * they are token matches, so only these two conditions may answer differently once a text index
 * exists.
 */
package io.sextant.segment.filter;
