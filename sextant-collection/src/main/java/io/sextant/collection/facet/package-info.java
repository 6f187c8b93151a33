/**
 * Facet counts ({@code POST /collections/{c}/facet}). Decision: counts come from one scroll over
 * the matching points reading only the faceted key ({@link io.sextant.collection.facet.FacetCounter}),
 * not from the field index's posting lists; results are always exact (Qdrant's {@code exact} flag is
 * accepted and ignored). The field must still have a keyword, integer, uuid or bool index, as in
 * Qdrant. Moving the counting into segments (posting-list cardinalities intersected with the
 * filter) is the next step when facets over large collections matter.
 */
package io.sextant.collection.facet;
