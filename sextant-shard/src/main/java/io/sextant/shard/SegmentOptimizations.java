package io.sextant.shard;

/** Placeholder: optimizations planned and executed for a shard (merge, vacuum, conversion). */
final class SegmentOptimizations {
    private SegmentOptimizations() {}

    record Plan() {}

    static Plan plan(LocalShard shard) {
        return null;
    }

    static void execute(LocalShard shard, Plan plan) {}
}
