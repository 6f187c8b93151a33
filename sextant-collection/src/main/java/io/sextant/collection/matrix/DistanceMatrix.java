package io.sextant.collection.matrix;

import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sparse distance matrix: the sampled point ids in ascending order and, per sampled point (row),
 * its nearest other sampled points, best first. Immutable.
 *
 * @param ids sampled points, ascending; empty when fewer than two points could be sampled
 * @param nearest one list per entry of {@code ids}: hits with id and score only
 */
public record DistanceMatrix(List<PointId> ids, List<List<ScoredPoint>> nearest) {
    public static final DistanceMatrix EMPTY = new DistanceMatrix(List.of(), List.of());

    public DistanceMatrix {
        ids = List.copyOf(ids);
        nearest = nearest.stream().map(List::copyOf).toList();
        if (ids.size() != nearest.size()) {
            throw new IllegalArgumentException(
                    "one row per sampled id expected, got " + nearest.size() + " rows for " + ids.size() + " ids");
        }
    }

    /** One (row, column, score) cell, with row and column as offsets into {@link #ids()}. */
    public record Cell(int row, int col, float score) {}

    /** The cells row by row, each row best first (Qdrant's offsets form). */
    public List<Cell> cells() {
        Map<PointId, Integer> offset = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            offset.put(ids.get(i), i);
        }
        List<Cell> out = new ArrayList<>();
        for (int row = 0; row < nearest.size(); row++) {
            for (ScoredPoint p : nearest.get(row)) {
                out.add(new Cell(row, offset.get(p.id()), p.score()));
            }
        }
        return out;
    }
}
