/**
 * Vector quantization codecs: {@link io.sextant.vector.quant.ScalarQuantizer} (int8), {@link
 * io.sextant.vector.quant.BinaryQuantizer} (1, 1.5 and 2 bits, popcount scoring) and {@link
 * io.sextant.vector.quant.ProductQuantizer} (x4 .. x64, table lookups), trained and re-read through
 * {@link io.sextant.vector.quant.Quantizers}. Codecs know dimensions, distances and codes only; where
 * codes are stored (per segment, resident or mapped) is the segment's business.
 *
 * <p>Decisions: (1) scalar quantization encodes the query too and scores with integer kernels, as
 * Qdrant does; (2) binary quantization centres every dimension on its training mean (Qdrant uses the
 * sign of the raw value), which keeps all-positive data usable, and its 1.5-bit form gives the second
 * bit to the half of the dimensions with the largest variance; (3) the kernels are plain counted
 * loops left to C2's auto-vectorization and the {@code popcnt} intrinsic; a Vector-API version is
 * future work, to be justified by a benchmark.
 */
package io.sextant.vector.quant;
