package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsMatchQdrant() {
        ServerConfig c = ConfigLoader.load(null, Map.of(), ConfigLoader.CliOverrides.NONE);
        assertThat(c.service().host()).isEqualTo("0.0.0.0");
        assertThat(c.service().httpPort()).isEqualTo(6333);
        assertThat(c.service().grpcPort()).isEqualTo(6334);
        assertThat(c.service().maxRequestSizeMb()).isEqualTo(32);
        assertThat(c.service().maxRequestSizeBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(c.service().apiKey()).isNull();
        assertThat(c.storage().storagePath()).isEqualTo(Path.of("./storage"));
        assertThat(c.storage().snapshotsPath()).isEqualTo(Path.of("./snapshots"));
        assertThat(c.logLevel()).isEqualTo("INFO");
    }

    @Test
    void fileOverridesDefaultsAndKeepsUnsetKeys() throws Exception {
        Path file = write("""
                log_level: debug
                service:
                  http_port: 7001
                  api_key: secret
                  enable_cors: false  # a Qdrant key
                storage:
                  storage_path: /data/s
                """);
        ServerConfig c = ConfigLoader.load(file, Map.of(), ConfigLoader.CliOverrides.NONE);
        assertThat(c.service().httpPort()).isEqualTo(7001);
        assertThat(c.service().grpcPort()).isEqualTo(6334);
        assertThat(c.service().apiKey()).isEqualTo("secret");
        assertThat(c.storage().storagePath()).isEqualTo(Path.of("/data/s"));
        assertThat(c.storage().snapshotsPath()).isEqualTo(Path.of("./snapshots"));
        assertThat(c.logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void envOverridesFileAndCliOverridesEnv() throws Exception {
        Path file = write("service:\n  http_port: 7001\n  grpc_port: 7002\n  host: 127.0.0.1\n");
        Map<String, String> env = Map.of(
                "SEXTANT__SERVICE__HTTP_PORT", "7000",
                "SEXTANT__SERVICE__GRPC_PORT", "7003",
                "SEXTANT__STORAGE__SNAPSHOTS_PATH", "/snaps",
                "SEXTANT__LOG_LEVEL", "warn",
                "PATH", "/usr/bin");
        ServerConfig envOnly = ConfigLoader.load(file, env, ConfigLoader.CliOverrides.NONE);
        assertThat(envOnly.service().httpPort()).isEqualTo(7000);
        assertThat(envOnly.service().grpcPort()).isEqualTo(7003);
        assertThat(envOnly.service().host()).isEqualTo("127.0.0.1");
        assertThat(envOnly.storage().snapshotsPath()).isEqualTo(Path.of("/snaps"));
        assertThat(envOnly.logLevel()).isEqualTo("WARN");

        ServerConfig withCli =
                ConfigLoader.load(file, env, new ConfigLoader.CliOverrides("::1", 8000, null, Path.of("/cli")));
        assertThat(withCli.service().httpPort()).isEqualTo(8000);
        assertThat(withCli.service().grpcPort()).isEqualTo(7003);
        assertThat(withCli.service().host()).isEqualTo("::1");
        assertThat(withCli.storage().storagePath()).isEqualTo(Path.of("/cli"));
    }

    @Test
    void badValuesNameTheKeyAndValue() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("SEXTANT__SERVICE__HTTP_PORT", "abc"), ConfigLoader.CliOverrides.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service.http_port")
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("SEXTANT__SERVICE__HTTP_PORT", "70000"), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> ConfigLoader.load(write("- a\n- b\n"), Map.of(), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("mapping");
        assertThatThrownBy(
                        () -> ConfigLoader.load(write("log_level: loud\n"), Map.of(), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("LOUD");
        assertThatThrownBy(
                        () -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void emptyFileMeansDefaults() throws Exception {
        ServerConfig c = ConfigLoader.load(write(""), Map.of(), ConfigLoader.CliOverrides.NONE);
        assertThat(c.service().httpPort()).isEqualTo(6333);
    }

    private Path write(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void shardTransferMethodFromFileAndEnvironment() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), ConfigLoader.CliOverrides.NONE)
                        .cluster()
                        .defaultTransferMethod())
                .isEqualTo("stream_records");
        assertThat(ConfigLoader.load(
                                write("storage:\n  shard_transfer_method: snapshot\n"),
                                Map.of(),
                                ConfigLoader.CliOverrides.NONE)
                        .cluster()
                        .defaultTransferMethod())
                .isEqualTo("snapshot");
        assertThat(ConfigLoader.load(
                                null,
                                Map.of("SEXTANT__STORAGE__SHARD_TRANSFER_METHOD", "wal_delta"),
                                ConfigLoader.CliOverrides.NONE)
                        .cluster()
                        .shardTransferMethod())
                .isEqualTo("wal_delta");
        assertThat(ConfigLoader.load(
                                null,
                                Map.of("QDRANT__STORAGE__SHARD_TRANSFER_METHOD", "snapshot"),
                                ConfigLoader.CliOverrides.NONE)
                        .cluster()
                        .defaultTransferMethod())
                .isEqualTo("snapshot");
        assertThatThrownBy(() -> ConfigLoader.load(
                        write("storage:\n  shard_transfer_method: ftp\n"), Map.of(), ConfigLoader.CliOverrides.NONE))
                .hasMessageContaining("shard_transfer_method")
                .hasMessageContaining("ftp");
    }

    @Test
    void clusterKeysFlagsAndDefaults() {
        var off = ConfigLoader.load(null, java.util.Map.of(), ConfigLoader.CliOverrides.NONE)
                .cluster();
        assertThat(off.enabled()).isFalse();
        assertThat(off.p2pPort()).isEqualTo(6335);
        assertThat(off.tickPeriodMs()).isEqualTo(100);
        assertThat(off.peerUnresponsiveMs()).isEqualTo(3_000);
        var on = ConfigLoader.load(
                        null,
                        java.util.Map.of(
                                "SEXTANT__CLUSTER__ENABLED", "true",
                                "SEXTANT__CLUSTER__P2P__PORT", "7335",
                                "SEXTANT__CLUSTER__CONSENSUS__TICK_PERIOD_MS", "50",
                                "SEXTANT__CLUSTER__PEER_UNRESPONSIVE_MS", "1500"),
                        new ConfigLoader.CliOverrides(
                                null, null, null, null, "http://10.0.0.2:7335", "http://10.0.0.1:6335"))
                .cluster();
        assertThat(on.enabled()).isTrue();
        assertThat(on.p2pPort()).isEqualTo(7335);
        assertThat(on.tickPeriodMs()).isEqualTo(50);
        assertThat(on.peerUnresponsiveMs()).isEqualTo(1_500);
        assertThat(on.advertisedAddress()).isEqualTo("10.0.0.2:7335");
        assertThat(on.bootstrap().getPort()).isEqualTo(6335);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        java.util.Map.of(),
                        new ConfigLoader.CliOverrides(null, null, null, null, null, "10.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bootstrap")
                .hasMessageContaining("10.0.0.1");
    }

    @Test
    void p2pTlsTakesTheTlsFilesAndNeedsAllThree() {
        assertThat(ConfigLoader.load(null, Map.of(), ConfigLoader.CliOverrides.NONE)
                        .cluster()
                        .p2pTls())
                .isFalse();
        var on = ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__CLUSTER__ENABLED", "true",
                                "SEXTANT__CLUSTER__P2P__ENABLE_TLS", "true",
                                "SEXTANT__TLS__CERT", "/etc/sx/peer.pem",
                                "SEXTANT__TLS__KEY", "/etc/sx/peer.key",
                                "SEXTANT__TLS__CA_CERT", "/etc/sx/ca.pem"),
                        ConfigLoader.CliOverrides.NONE)
                .cluster();
        assertThat(on.p2pTls()).isTrue();
        assertThat(on.tls().cert()).isEqualTo(Path.of("/etc/sx/peer.pem"));
        assertThat(on.tls().key()).isEqualTo(Path.of("/etc/sx/peer.key"));
        assertThat(on.tls().caCert()).isEqualTo(Path.of("/etc/sx/ca.pem"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__CLUSTER__P2P__ENABLE_TLS", "true",
                                "SEXTANT__TLS__CERT", "/etc/sx/peer.pem",
                                "SEXTANT__TLS__KEY", "/etc/sx/peer.key"),
                        ConfigLoader.CliOverrides.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster.p2p.enable_tls")
                .hasMessageContaining("tls.ca_cert");
    }
}
