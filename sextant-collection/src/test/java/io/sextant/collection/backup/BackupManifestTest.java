package io.sextant.collection.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.UserException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The documented byte layout of {@link BackupManifest}, its round trip, and damage detection. */
class BackupManifestTest {
    static final String A = "0123456789abcdef".repeat(4);
    static final String B = "fedcba9876543210".repeat(4);

    static BackupManifest sample() {
        return new BackupManifest(
                "bücher",
                1_700_000_000_123L,
                1 << 30,
                List.of(new BackupManifest.Shard(0, 42, 1000), new BackupManifest.Shard(3, 7, 5)),
                List.of(
                        new BackupManifest.FileRef("config.json", 321, List.of(A)),
                        new BackupManifest.FileRef(
                                "shards/0/segments/s1/vectors.bin", (1L << 33) + 1, List.of(B, A, B, A, B, A, B, A, B)),
                        new BackupManifest.FileRef("shards/3/manifest.bin", 0, List.of())));
    }

    @Test
    void roundTripAndByteLayout() {
        BackupManifest m = sample();
        byte[] bytes = m.toBytes();
        assertThat(BackupManifest.parse(bytes, "t")).isEqualTo(m);
        assertThat(m.points()).isEqualTo(1005);
        assertThat(m.bytes()).isEqualTo(321 + (1L << 33) + 1);
        assertThat(m.files().get(1).chunkLength(8, m.chunkSize())).isEqualTo(1);

        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        in.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("SXIB");
        assertThat(in.getShort()).isEqualTo((short) 1);
        assertThat(in.getLong()).isEqualTo(1_700_000_000_123L);
        assertThat(in.getInt()).isEqualTo(1 << 30);
        byte[] name = "bücher".getBytes(StandardCharsets.UTF_8);
        assertThat(in.getShort()).isEqualTo((short) name.length);
        in.position(in.position() + name.length);
        assertThat(in.getInt()).isEqualTo(2);
        assertThat(in.getInt()).isZero();
        assertThat(in.getLong()).isEqualTo(42);
        assertThat(in.getLong()).isEqualTo(1000);
        in.position(in.position() + 20);
        assertThat(in.getInt()).isEqualTo(3);
        assertThat(in.getShort()).isEqualTo((short) "config.json".length());
        in.position(in.position() + "config.json".length());
        assertThat(in.getLong()).isEqualTo(321);
        assertThat(in.getInt()).isEqualTo(1);
        byte[] hash = new byte[32];
        in.get(hash);
        assertThat(java.util.HexFormat.of().formatHex(hash)).isEqualTo(A);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertThat(ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()).isEqualTo((int) crc.getValue());
    }

    @Test
    void everyFlippedBitAndEveryTruncationIsRefused() {
        byte[] bytes = sample().toBytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] bad = bytes.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> BackupManifest.parse(bad, "m1"))
                    .as("flip at %d", i)
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("backup manifest m1");
        }
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> BackupManifest.parse(cut, "m2"))
                    .as("cut at %d", len)
                    .isInstanceOf(UserException.class);
        }
        assertThatThrownBy(() -> BackupManifest.parse("{\"format\":1}".getBytes(), "m3"))
                .hasMessageContaining("not a Sextant backup manifest");
    }

    @Test
    void newerVersionAndUnsafePathsAreRefusedEvenWithAValidChecksum() {
        byte[] v2 = sample().toBytes();
        v2[5] = 2;
        assertThatThrownBy(() -> BackupManifest.parse(reseal(v2), "m"))
                .hasMessageContaining("format version 2")
                .hasMessageContaining("reads versions 1 to 1");
        byte[] bytes = sample().toBytes();
        // same length as "config.json", so only the path check can refuse it
        byte[] escaping = new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("config.json", "../onfig.js")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> BackupManifest.parse(reseal(escaping), "m"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("invalid file path '../onfig.js'");
        assertThatThrownBy(() -> new BackupManifest(
                        "c", 0, 100, List.of(), List.of(new BackupManifest.FileRef("f", 101, List.of(A)))))
                .hasMessageContaining("needs 2 chunks of 100, has 1");
        assertThatThrownBy(() -> new BackupManifest.FileRef("../x", 1, List.of(A)))
                .hasMessageContaining("invalid file path");
        assertThatThrownBy(() -> new BackupManifest.FileRef("/x", 1, List.of(A)))
                .hasMessageContaining("invalid file path");
        assertThatThrownBy(() -> new BackupManifest.FileRef("a//b", 1, List.of(A)))
                .hasMessageContaining("invalid file path");
    }

    /** Recomputes the trailing CRC32C so that only the field checks can refuse the manifest. */
    static byte[] reseal(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
        return bytes;
    }
}
