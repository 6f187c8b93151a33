package io.sextant.collection.config;

import io.sextant.segment.config.MemoryPlacement;

/**
 * Vector quantization settings ({@code quantization_config} in Qdrant): scalar int8, binary,
 * product or turbo quantization. Immutable; validated on construction.
 */
public sealed interface QuantizationConfig {

    /** Qdrant's {@code memory} placement of the quantized codes; null = unset (from {@code always_ram}). */
    default MemoryPlacement memory() {
        return null;
    }

    /**
     * Scalar quantization to int8.
     *
     * @param quantile fraction of values used to pick the quantization range, in [0.5, 1]; null = 1
     * @param alwaysRam keep quantized vectors in RAM even when vectors are on disk; null = unset
     * @param memory where the codes live; null = unset
     */
    record Scalar(Float quantile, Boolean alwaysRam, MemoryPlacement memory) implements QuantizationConfig {
        public Scalar(Float quantile, Boolean alwaysRam) {
            this(quantile, alwaysRam, null);
        }

        public Scalar {
            if (quantile != null && !(quantile >= 0.5f && quantile <= 1.0f)) {
                throw new IllegalArgumentException("scalar.quantile must be in [0.5, 1], got " + quantile);
            }
        }
    }

    /**
     * Binary quantization.
     *
     * @param alwaysRam keep quantized vectors in RAM; null = unset
     * @param encoding "one_bit", "two_bits" or "one_and_half_bits"; null = one_bit
     * @param queryEncoding "default", "binary", "scalar4bits" or "scalar8bits"; null = default
     * @param memory where the codes live; null = unset
     */
    record Binary(Boolean alwaysRam, String encoding, String queryEncoding, MemoryPlacement memory)
            implements QuantizationConfig {
        public Binary(Boolean alwaysRam, String encoding, String queryEncoding) {
            this(alwaysRam, encoding, queryEncoding, null);
        }

        public Binary {
            if (encoding != null
                    && !encoding.equals("one_bit")
                    && !encoding.equals("two_bits")
                    && !encoding.equals("one_and_half_bits")) {
                throw new IllegalArgumentException(
                        "binary.encoding must be one of one_bit, two_bits," + " one_and_half_bits, got " + encoding);
            }
            if (queryEncoding != null
                    && !queryEncoding.equals("default")
                    && !queryEncoding.equals("binary")
                    && !queryEncoding.equals("scalar4bits")
                    && !queryEncoding.equals("scalar8bits")) {
                throw new IllegalArgumentException("binary.query_encoding must be one of default, binary,"
                        + " scalar4bits, scalar8bits, got " + queryEncoding);
            }
        }
    }

    /**
     * Product quantization.
     *
     * @param compression compression ratio: 4, 8, 16, 32 or 64 (Qdrant's x4..x64)
     * @param alwaysRam keep quantized vectors in RAM; null = unset
     * @param memory where the codes live; null = unset
     */
    record Product(int compression, Boolean alwaysRam, MemoryPlacement memory) implements QuantizationConfig {
        public Product(int compression, Boolean alwaysRam) {
            this(compression, alwaysRam, null);
        }

        public Product {
            if (compression != 4 && compression != 8 && compression != 16 && compression != 32 && compression != 64) {
                throw new IllegalArgumentException(
                        "product.compression must be one of x4, x8, x16, x32, x64, got x" + compression);
            }
        }
    }

    /**
     * TurboQuant.
     *
     * @param bits "bits1", "bits1_5", "bits2" or "bits4"; null = unset (Qdrant's default, bits4)
     * @param alwaysRam keep quantized vectors in RAM; null = unset
     */
    record Turbo(String bits, Boolean alwaysRam) implements QuantizationConfig {
        public static final String DEFAULT_BITS = "bits4";

        public Turbo {
            if (bits != null
                    && !java.util.Set.of("bits1", "bits1_5", "bits2", "bits4").contains(bits)) {
                throw new IllegalArgumentException(
                        "turbo.bits must be one of bits1, bits1_5, bits2, bits4, got " + bits);
            }
        }
    }
}
