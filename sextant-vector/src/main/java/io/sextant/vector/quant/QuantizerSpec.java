package io.sextant.vector.quant;

/**
 * What to quantize a named vector into: the codec and its parameters, as configured by Qdrant's
 * {@code quantization_config}. Immutable. {@link #fingerprint()} names the parameters that change
 * the stored codes, so a segment can tell whether its code file still matches the configuration.
 */
public sealed interface QuantizerSpec {

    /** Keep the codes resident in RAM even when the original vectors are paged from disk. */
    boolean alwaysRam();

    /** A short stable string of the parameters that determine the codes. */
    String fingerprint();

    /**
     * Scalar quantization to int8 ({@link ScalarQuantizer}).
     *
     * @param quantile fraction of values the range must cover, in [0.5, 1]
     */
    record Scalar(float quantile, boolean alwaysRam) implements QuantizerSpec {
        public Scalar {
            if (!(quantile >= 0.5f && quantile <= 1f)) {
                throw new IllegalArgumentException("scalar quantile must be in [0.5, 1], got " + quantile);
            }
        }

        @Override
        public String fingerprint() {
            return "sq8v2:" + quantile; // v2: per-dimension ranges, float query (v1 files are rebuilt)
        }
    }

    /**
     * Binary quantization ({@link BinaryQuantizer}).
     *
     * @param bitsPerDim 1, 1.5 or 2 stored bits per dimension ({@code one_bit}, {@code
     *     one_and_half_bits}, {@code two_bits})
     * @param queryEncoding how the query is encoded
     */
    record Binary(BinaryQuantizer.Encoding bitsPerDim, BinaryQuantizer.QueryEncoding queryEncoding, boolean alwaysRam)
            implements QuantizerSpec {
        public Binary {
            if (bitsPerDim == null || queryEncoding == null) {
                throw new IllegalArgumentException("binary quantization needs an encoding and a query encoding");
            }
        }

        @Override
        public String fingerprint() {
            return "bq:" + bitsPerDim; // the query encoding does not change the stored codes
        }
    }

    /**
     * Product quantization ({@link ProductQuantizer}).
     *
     * @param compression 4, 8, 16, 32 or 64: bytes of float32 per byte of code
     */
    record Product(int compression, boolean alwaysRam) implements QuantizerSpec {
        public Product {
            if (compression != 4 && compression != 8 && compression != 16 && compression != 32 && compression != 64) {
                throw new IllegalArgumentException("product compression must be x4..x64, got x" + compression);
            }
        }

        @Override
        public String fingerprint() {
            return "pq:x" + compression;
        }
    }

    /**
     * TurboQuant ({@link TurboQuantizer}).
     *
     * @param bits bits per dimension; Qdrant's default is {@code bits4}
     */
    record Turbo(TurboQuantizer.Bits bits, boolean alwaysRam) implements QuantizerSpec {
        public Turbo {
            if (bits == null) {
                throw new IllegalArgumentException("turbo quantization needs a bit size");
            }
        }

        @Override
        public String fingerprint() {
            return "tq1:" + bits.wireName();
        }
    }
}
