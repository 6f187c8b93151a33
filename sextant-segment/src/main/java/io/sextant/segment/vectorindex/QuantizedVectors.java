package io.sextant.segment.vectorindex;

import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import java.lang.foreign.MemorySegment;

/**
 * The quantized codes of one named vector of one segment, addressed by segment offset, with the
 * quantizer that reads them. The codes are either resident off-heap memory or a read-only mapping
 * (see {@link QuantizedVectorsFile#read}); both belong to automatic arenas, so a reader still
 * holding a retired segment stays safe. Immutable, thread-safe.
 *
 * @param spec the configuration the codes were built for
 * @param quantizer the trained codec
 * @param codes {@code count * quantizer.codeBytes()} bytes
 * @param count the number of codes (the segment's offset count)
 * @param resident whether the codes live in RAM rather than in a paged mapping
 */
public record QuantizedVectors(
        QuantizerSpec spec, Quantizer quantizer, MemorySegment codes, int count, boolean resident) {

    /** A scorer of {@code query} (already normalized for Cosine) against the codes. */
    public OrdinalScorer scorer(float[] query) {
        return Quantizers.scorer(quantizer, spec, query, codes);
    }

    /** Bytes held by the codes. */
    public long bytes() {
        return codes.byteSize();
    }
}
