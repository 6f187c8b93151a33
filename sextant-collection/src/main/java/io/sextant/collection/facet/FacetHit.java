package io.sextant.collection.facet;

/**
 * One value of a facet and the number of matching points holding it. Immutable.
 *
 * @param value a {@link String} (keyword or uuid, uuid in lower-case hyphenated form), {@link Long}
 *     (integer) or {@link Boolean}
 * @param count points holding the value (each point counted once per value)
 */
public record FacetHit(Object value, long count) {}
