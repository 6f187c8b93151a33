/**
 * Vector quantization codecs: {@link io.sextant.vector.quant.ScalarQuantizer} (int8), {@link
 * io.sextant.vector.quant.BinaryQuantizer} (1, 1.5 and 2 bits, popcount scoring), {@link
 * io.sextant.vector.quant.ProductQuantizer} (x4 .. x64, table lookups) and {@link
 * io.sextant.vector.quant.TurboQuantizer} (TurboQuant: rotation plus Lloyd-Max codebook, 1, 1.5, 2
 * and 4 bits, also the codec of the {@code turbo4} datatype), trained and re-read through
 * {@link io.sextant.vector.quant.Quantizers}. Codecs know dimensions, distances and codes only; where
 * codes are stored (per segment, resident or mapped) is the segment's business.
 *
 * <p>Decisions: (1) scalar quantization gives every dimension its own range and keeps the query in
 * float32 (asymmetric scoring, one float-by-byte dot product per code), with the exact squared norm
 * stored per vector for Euclid; Qdrant's one shared range with a quantized query lost recall on
 * embedding models with outlier dimensions (wordnet-bge384 brute-force recall@10 at oversampling 1:
 * 0.967 before, 0.992 after; at quantile 0.99: 0.69 before, 0.96 after; {@code
 * QuantRecallHarness}); (2) binary quantization centres every dimension on its training mean
 * (Qdrant uses the sign of the raw value), which keeps all-positive data usable, and its 1.5-bit
 * form gives the second bit to the half of the dimensions with the largest variance; (3) the
 * kernels sit behind {@link io.sextant.vector.quant.QuantKernelSupport} with a scalar and a
 * Vector-API implementation, chosen at start-up by {@link io.sextant.vector.quant.QuantKernels}; the
 * Vector-API float-by-byte loop scans int8 codes about 13x faster than the scalar loop, while
 * popcounts stay on the scalar {@code popcnt} intrinsic, which beat the Vector API's emulated
 * 64-bit {@code BIT_COUNT} 4x on AVX2; product quantization's table lookups are scalar; (4)
 * TurboQuant follows Qdrant's math (rotation, per-vector renormalization {@code |v| / |c|}, the TQ+
 * per-coordinate quantile correction) but not its bytes: codes are strided so one SIMD byte load
 * feeds {@code 8 / bits} runs of coordinates, and a code's top bit is the centroid's sign so the
 * magnitude table fits one 8-lane register ({@code rearrange}); the query stays float32 (Qdrant
 * quantizes it to integers); Manhattan decodes each vector, as in Qdrant.
 */
package io.sextant.vector.quant;
