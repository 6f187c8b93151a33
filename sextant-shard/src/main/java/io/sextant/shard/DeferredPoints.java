package io.sextant.shard;

import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.Segment;

/**
 * Qdrant's {@code prevent_unoptimized}: where an appendable segment starts deferring points.
 *
 * <p>With it on, an appendable segment shows reads only its first N offsets, N being how many
 * vectors fit in the indexing threshold ({@code indexing_threshold} KB over the bytes of one
 * vector, the smallest over the dense vectors that get an HNSW graph, a multivector counted as
 * 16 vectors as Qdrant does since its size is unknown in advance). Points written past N stay in
 * the WAL and the segment, take updates, and appear once the optimizer has moved them into an
 * indexed segment; {@code wait=true} updates return only then (see {@link LocalShard#update}).
 *
 * <p>N is derived from the config whenever the shard creates or opens an appendable segment (it is
 * not persisted, as in Qdrant, which also derives it on load); a PATCH of the config reaches
 * segments created after it. Stateless.
 */
final class DeferredPoints {
    /** Inner vectors assumed per multivector point (Qdrant's constant). */
    static final int MULTIVECTOR_SIZE = 16;

    private DeferredPoints() {}

    /** The first deferred offset for an appendable segment under {@code config}, or MAX_VALUE. */
    static int firstDeferredOffset(ShardConfig config) {
        ShardConfig.OptimizerSettings o = config.optimizer();
        if (!o.preventUnoptimized() || !o.indexingEnabled()) {
            return Integer.MAX_VALUE;
        }
        long thresholdBytes = o.indexingThresholdKb() * 1024L;
        long first = Long.MAX_VALUE;
        for (VectorSpec spec : config.vectors().values()) {
            if (!spec.hnsw().enabled() && spec.hnsw().effectivePayloadM() == 0) {
                continue;
            }
            long element = spec.datatype() == VectorElementType.TURBO4
                    ? 1
                    : spec.datatype().bytes();
            long vectorBytes = element * spec.size() * (spec.multivector() != null ? MULTIVECTOR_SIZE : 1);
            first = Math.min(first, (thresholdBytes + vectorBytes - 1) / vectorBytes);
        }
        return (int) Math.min(first, Integer.MAX_VALUE);
    }

    /** Sets {@code seg}'s deferral from {@code config} when it is appendable; returns it. */
    static Segment apply(Segment seg, ShardConfig config) {
        if (!seg.immutable()) {
            seg.deferFrom(firstDeferredOffset(config));
        }
        return seg;
    }
}
