package io.sextant.segment.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;

/**
 * What a filter may look at on one point: its id, its payload and which named vectors it has.
 * Implementations are supplied by the storage layer; they must stay valid for the duration of
 * one filter evaluation and are not required to be thread-safe.
 */
public interface PointView {

    /** The point's external id. */
    PointId id();

    /** The point's payload, or null when it has none (treated as an empty object). */
    ObjectNode payload();

    /** Whether the point has a vector named {@code name} ("" is the unnamed default vector). */
    boolean hasVector(String name);
}
