package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.codec.CorruptEncodingException;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardCaptureWireTest {
    @TempDir
    Path dir;

    private static byte[] encode(ShardCaptureWire.Shipped s) {
        BinaryWriter w = new BinaryWriter();
        ShardCaptureWire.write(w, s);
        return w.toByteArray();
    }

    @Test
    void shippedFilesRoundTripAndAreStagedUnderTheirPaths() throws Exception {
        ShardCaptureWire.Shipped s = new ShardCaptureWire.Shipped(
                42,
                7,
                List.of(
                        new ShardCaptureWire.ShippedFile("manifest.bin", new byte[] {1, 2, 3}),
                        new ShardCaptureWire.ShippedFile(
                                "segments/seg-1/points", "abc".getBytes(StandardCharsets.UTF_8)),
                        new ShardCaptureWire.ShippedFile("wal/empty", new byte[0])));
        ShardCaptureWire.Shipped back = BinaryReader.decode(encode(s), "capture", ShardCaptureWire::read);
        assertThat(back.checkpoint()).isEqualTo(42);
        assertThat(back.pointCount()).isEqualTo(7);
        assertThat(back.files()).hasSize(3);
        assertThat(back.files().get(1).path()).isEqualTo("segments/seg-1/points");
        assertThat(back.files().get(1).content()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));

        CapturedShard staged = ShardCaptureWire.stage(back, dir.resolve("shard"));
        assertThat(staged.checkpoint()).isEqualTo(42);
        assertThat(staged.pointCount()).isEqualTo(7);
        assertThat(staged.bytes()).isEqualTo(6);
        assertThat(Files.readAllBytes(dir.resolve("shard/manifest.bin"))).containsExactly(1, 2, 3);
        assertThat(Files.size(dir.resolve("shard/wal/empty"))).isZero();
    }

    @Test
    void aCutAnswerIsCorruptAndAPathOutsideTheShardIsRefused() {
        byte[] bytes = encode(new ShardCaptureWire.Shipped(
                1, 1, List.of(new ShardCaptureWire.ShippedFile("a", new byte[] {9, 9, 9, 9}))));
        assertThatThrownBy(() ->
                        BinaryReader.decode(Arrays.copyOf(bytes, bytes.length - 2), "capture", ShardCaptureWire::read))
                .isInstanceOf(CorruptEncodingException.class);
        ShardCaptureWire.Shipped escaping = new ShardCaptureWire.Shipped(
                1, 1, List.of(new ShardCaptureWire.ShippedFile("../../evil", new byte[] {1})));
        assertThatThrownBy(() -> ShardCaptureWire.stage(escaping, dir.resolve("shard")))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("outside");
        assertThat(Files.exists(dir.resolve("evil"))).isFalse();
    }
}
