package io.sextant.segment.text;

/**
 * MurmurHash3, the 32-bit x86 variant (Austin Appleby's public-domain algorithm): the hash Qdrant
 * uses to turn a BM25 token into a sparse dimension id. Stateless and thread-safe.
 */
public final class MurmurHash3 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private MurmurHash3() {}

    /** The 32-bit hash of {@code data} with {@code seed}, as the unsigned value's bits. */
    public static int hash32(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length >>> 2;
        for (int i = 0; i < blocks; i++) {
            int at = i << 2;
            int k = (data[at] & 0xff)
                    | (data[at + 1] & 0xff) << 8
                    | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            h ^= scramble(k);
            h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
        }
        int tail = blocks << 2;
        int k = 0;
        switch (data.length - tail) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
            // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
            // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= scramble(k);
            // fall through
            default:
        }
        h ^= data.length;
        return finalMix(h);
    }

    private static int scramble(int k) {
        return Integer.rotateLeft(k * C1, 15) * C2;
    }

    private static int finalMix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
