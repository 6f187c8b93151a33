package io.sextant.shard;

import java.time.Instant;
import java.util.List;

/**
 * Optimization progress of a shard ({@code GET /collections/{c}/optimizations}). Immutable.
 *
 * @param running optimizations in progress (at most one per shard: one optimizer thread)
 * @param queued the optimization the planner would run next, if any
 * @param completed recently finished optimizations, newest first
 * @param idleSegments segments that need no optimization
 */
public record OptimizationsReport(
        List<Optimization> running,
        List<Optimization> queued,
        List<Optimization> completed,
        List<SegmentRef> idleSegments) {
    public static final OptimizationsReport EMPTY = new OptimizationsReport(List.of(), List.of(), List.of(), List.of());

    /** A segment and its live points. */
    public record SegmentRef(String name, long points) {}

    /**
     * One optimization.
     *
     * @param id identifies the optimization (the name of the segment it produces, or of the segment it indexes)
     * @param optimizer "indexing", "merge", "vacuum" or "config_mismatch" (Qdrant's optimizer names)
     * @param status "optimizing", "pending", "done", or the error message
     * @param segments the segments being optimized
     * @param startedAt null while queued
     * @param finishedAt null unless done or failed
     */
    public record Optimization(
            String id,
            String optimizer,
            String status,
            List<SegmentRef> segments,
            Instant startedAt,
            Instant finishedAt) {}
}
