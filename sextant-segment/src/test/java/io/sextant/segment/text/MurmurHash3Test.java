package io.sextant.segment.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Known MurmurHash3 x86_32 vectors: the published ones (empty input, "hello", "hello world", the
 * quick brown fox with seed 0x9747b28c) and values from an independent Python implementation for
 * every tail length.
 */
class MurmurHash3Test {

    private static int hash(String s, int seed) {
        return MurmurHash3.hash32(s.getBytes(StandardCharsets.UTF_8), seed);
    }

    @Test
    void publishedVectors() {
        assertThat(hash("", 0)).isZero();
        assertThat(hash("", 1)).isEqualTo(0x514e28b7);
        assertThat(hash("hello", 0)).isEqualTo(0x248bfa47);
        assertThat(hash("hello world", 0)).isEqualTo(0x5e928f0f);
        assertThat(hash("The quick brown fox jumps over the lazy dog", 0x9747b28c))
                .isEqualTo(0x2fa826cd);
    }

    @Test
    void everyTailLength() {
        assertThat(hash("a", 0)).isEqualTo(0x3c2569b2);
        assertThat(hash("abc", 0)).isEqualTo(0xb3dd93fa);
        assertThat(hash("abcd", 0)).isEqualTo(0x43ed676a);
        assertThat(hash("abcde", 0)).isEqualTo(0xe89b9af6);
        assertThat(hash("мир", 0)).as("multi-byte UTF-8").isEqualTo(0xb6603b92);
    }
}
