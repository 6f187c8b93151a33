package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerIdentityTest {
    @TempDir
    Path dir;

    @Test
    void idIsCreatedOnceAndKept() throws Exception {
        long id = PeerIdentity.loadOrCreate(dir.resolve("cluster"));
        assertThat(id).isNotZero();
        assertThat(PeerIdentity.loadOrCreate(dir.resolve("cluster"))).isEqualTo(id);
        assertThat(Files.readString(dir.resolve("cluster").resolve(PeerIdentity.FILE)))
                .isEqualTo(Long.toUnsignedString(id));
    }

    @Test
    void idsAboveSignedRangeReadBack() throws Exception {
        Files.writeString(dir.resolve(PeerIdentity.FILE), "18446744073709551615\n");
        assertThat(Long.toUnsignedString(PeerIdentity.loadOrCreate(dir))).isEqualTo("18446744073709551615");
    }

    @Test
    void garbageIsReported() throws Exception {
        Files.writeString(dir.resolve(PeerIdentity.FILE), "peer-one");
        assertThatThrownBy(() -> PeerIdentity.loadOrCreate(dir)).hasMessageContaining("peer-one");
    }
}
