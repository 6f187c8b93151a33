package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qdrant's configuration in Sextant: Qdrant v1.19's own config file loads with every key honoured
 * or accepted, {@code QDRANT__} variables apply (below {@code SEXTANT__} ones), unknown keys and
 * unsupported values stop the load naming the key.
 */
class QdrantConfigTest {

    private static final ConfigLoader.CliOverrides NO_CLI = ConfigLoader.CliOverrides.NONE;

    @TempDir
    Path dir;

    @Test
    void qdrantV119ConfigFileLoadsWithEveryKeyHonouredOrAccepted() throws Exception {
        Path file = Path.of(
                QdrantConfigTest.class.getResource("qdrant-v1.19-config.yaml").toURI());
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        List<String> leaves = new ArrayList<>();
        leaves(tree, "", leaves);
        assertThat(leaves).hasSize(50); // the leaves of Qdrant v1.19's file
        for (String path : leaves) {
            ConfigKeys.Key key = ConfigKeys.get(path);
            assertThat(key).as("Qdrant key %s in the registry", path).isNotNull();
            assertThat(key.support()).as(path).isIn(ConfigKeys.Support.HONOURED, ConfigKeys.Support.DEFAULT_ONLY);
        }

        ServerConfig c = ConfigLoader.load(file, Map.of(), NO_CLI);
        assertThat(c.service().httpPort()).isEqualTo(6333);
        assertThat(c.service().grpcPort()).isEqualTo(6334);
        assertThat(c.service().enableCors()).isTrue();
        assertThat(c.logLevel()).isEqualTo("INFO");
        assertThat(c.security().tls().enabled()).isFalse();
        assertThat(c.security().tls().cert()).isEqualTo(Path.of("./tls/cert.pem"));
        assertThat(c.security().tls().reloadInterval()).isEqualTo(Duration.ofSeconds(3600)); // Qdrant's value, honoured
        assertThat(c.cluster().enabled()).isFalse();
    }

    @Test
    void qdrantVariablesOverrideTheFileAndSextantVariablesOverrideThem() throws Exception {
        Path file = write("service:\n  http_port: 7001\n  enable_cors: true\n");
        ServerConfig q = ConfigLoader.load(
                file,
                Map.of(
                        "QDRANT__SERVICE__HTTP_PORT", "7000",
                        "QDRANT__SERVICE__ENABLE_CORS", "false",
                        "QDRANT__LOG_LEVEL", "warn",
                        "QDRANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE", "local"),
                NO_CLI);
        assertThat(q.service().httpPort()).isEqualTo(7000);
        assertThat(q.service().enableCors()).isFalse();
        assertThat(q.logLevel()).isEqualTo("WARN");

        ServerConfig both = ConfigLoader.load(
                file, Map.of("QDRANT__SERVICE__HTTP_PORT", "7000", "SEXTANT__SERVICE__HTTP_PORT", "7002"), NO_CLI);
        assertThat(both.service().httpPort()).isEqualTo(7002);

        ServerConfig cli = ConfigLoader.load(
                file,
                Map.of("QDRANT__SERVICE__HTTP_PORT", "7000"),
                new ConfigLoader.CliOverrides(null, 8000, null, null));
        assertThat(cli.service().httpPort()).isEqualTo(8000);
    }

    @Test
    void unknownKeysAreRefusedNamingTheKeyAndWhereItCameFrom() throws Exception {
        Path file = write("service:\n  htp_port: 7000\nstorgae:\n  storage_path: /x\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), NO_CLI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown config key service.htp_port")
                .hasMessageContaining("unknown config key storgae")
                .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QDRANT__SERVICE__HTTP_PROT", "7000"), NO_CLI))
                .hasMessageContaining("service.http_prot")
                .hasMessageContaining("QDRANT__SERVICE__HTTP_PROT");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SEXTANT__LOGGER__ON_DISK__ENABLE", "true"), NO_CLI))
                .hasMessageContaining("logger.on_disk.enable ")
                .hasMessageContaining("SEXTANT__LOGGER__ON_DISK__ENABLE");
        // a section given a scalar is refused too
        assertThatThrownBy(() -> ConfigLoader.load(write("storage:\n  wal: 32\n"), Map.of(), NO_CLI))
                .hasMessageContaining("storage.wal must be a mapping");
    }

    @Test
    void unsupportedValuesOfQdrantKeysAreRefusedWithTheReason() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(
                        write("storage:\n  performance:\n    async_scorer: true\n"), Map.of(), NO_CLI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.performance.async_scorer: true is not supported")
                .hasMessageContaining("io_uring");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("QDRANT__STORAGE__PERFORMANCE__MAX_SEARCH_THREADS", "4"), NO_CLI))
                .hasMessageContaining("storage.performance.max_search_threads: 4 is not supported")
                .hasMessageContaining("QDRANT__STORAGE__PERFORMANCE__MAX_SEARCH_THREADS")
                .hasMessageContaining("accepted: 0");
        // every problem at once
        assertThatThrownBy(() -> ConfigLoader.load(
                        write("service:\n  max_workers: 8\n  metrics_prefix: my_\nstorage:\n  node_type: Listener\n"),
                        Map.of(),
                        NO_CLI))
                .hasMessageContaining("service.max_workers: 8")
                .hasMessageContaining("service.metrics_prefix: my_")
                .hasMessageContaining("storage.node_type: listener");
        // a refused key's secret value is not echoed
        assertThatThrownBy(
                        () -> ConfigLoader.load(null, Map.of("QDRANT__SERVICE__ALT_API_KEY", "hunter2-secret"), NO_CLI))
                .hasMessageContaining("service.alt_api_key: a value is not supported")
                .hasMessageNotContaining("hunter2");
        // the default values themselves, in either spelling, are accepted
        ServerConfig ok = ConfigLoader.load(
                write("storage:\n  performance:\n    optimizer_cpu_budget: 0\n  optimizers_overwrite: null\n"),
                Map.of("QDRANT__STORAGE__NODE_TYPE", "Normal", "QDRANT__STORAGE__MAX_COLLECTIONS", ""),
                NO_CLI);
        assertThat(ok.service().httpPort()).isEqualTo(6333);
    }

    @Test
    void storageDefaultsForNewCollections() throws Exception {
        ServerConfig c = ConfigLoader.load(
                write("""
                        storage:
                          on_disk_payload: false
                          hnsw_index:
                            m: 32
                            full_scan_threshold_kb: 5000
                          optimizers:
                            indexing_threshold_kb: 20000
                            deleted_threshold: 0.3
                          collection:
                            replication_factor: 2
                        """),
                Map.of(
                        "QDRANT__STORAGE__HNSW_INDEX__EF_CONSTRUCT",
                        "200",
                        "QDRANT__STORAGE__WAL__WAL_CAPACITY_MB",
                        "64"),
                NO_CLI);
        var d = c.storage().collectionDefaults();
        assertThat(d.hnsw().m()).isEqualTo(32);
        assertThat(d.hnsw().efConstruct()).isEqualTo(200);
        assertThat(d.hnsw().fullScanThreshold()).isEqualTo(5000);
        assertThat(d.optimizers().indexingThreshold()).isEqualTo(20000L);
        assertThat(d.optimizers().deletedThreshold()).isEqualTo(0.3);
        assertThat(d.optimizers().vacuumMinVectorNumber()).isEqualTo(1000); // Qdrant's, untouched
        assertThat(d.wal().walCapacityMb()).isEqualTo(64);
        assertThat(d.onDiskPayload()).isFalse();
        assertThat(d.replicationFactor()).isEqualTo(2);
        assertThat(d.writeConsistencyFactor()).isEqualTo(1);

        assertThat(ConfigLoader.load(null, Map.of(), NO_CLI).storage().collectionDefaults())
                .isEqualTo(io.sextant.server.api.convert.CollectionDefaults.QDRANT);
        assertThatThrownBy(() -> ConfigLoader.load(write("storage:\n  hnsw_index:\n    m: -3\n"), Map.of(), NO_CLI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hnsw_index")
                .hasMessageContaining("m");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of("QDRANT__STORAGE__OPTIMIZERS__DELETED_THRESHOLD", "lots"), NO_CLI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("optimizers")
                .hasMessageContaining("deleted_threshold");
    }

    @Test
    void grpcPortNullTurnsGrpcOff() throws Exception {
        ServerConfig file = ConfigLoader.load(write("service:\n  grpc_port: null\n"), Map.of(), NO_CLI);
        assertThat(file.service().grpcEnabled()).isFalse();
        assertThat(file.service().grpcPort()).isEqualTo(ServerConfig.Service.GRPC_DISABLED);
        ServerConfig env = ConfigLoader.load(null, Map.of("QDRANT__SERVICE__GRPC_PORT", "null"), NO_CLI);
        assertThat(env.service().grpcEnabled()).isFalse();
        ServerConfig flag = ConfigLoader.load(
                write("service:\n  grpc_port: null\n"),
                Map.of(),
                new ConfigLoader.CliOverrides(null, null, 7334, null));
        assertThat(flag.service().grpcPort()).isEqualTo(7334);
    }

    @Test
    void qdrantSpellingsOfSextantSettings() throws Exception {
        ServerConfig c = ConfigLoader.load(
                write("service:\n  slow_query_secs: 0.25\naudit:\n  max_log_files: 3\n"), Map.of(), NO_CLI);
        assertThat(c.security().slowRequestThreshold()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.security().audit().maxFiles()).isEqualTo(3);
        ServerConfig sextantWins = ConfigLoader.load(
                write("service:\n  slow_query_secs: 0.25\n  slow_request_threshold_ms: 40\n"), Map.of(), NO_CLI);
        assertThat(sextantWins.security().slowRequestThreshold()).isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void loggingKeys() throws Exception {
        ServerConfig d = ConfigLoader.load(null, Map.of(), NO_CLI);
        assertThat(d.logging().format()).isEqualTo(LoggingConfig.Format.TEXT);
        assertThat(d.logging().file()).isNull();

        ServerConfig c = ConfigLoader.load(write("""
                        log_level: info,io.sextant.shard=debug
                        logger:
                          format: json
                          on_disk:
                            enabled: true
                            log_file: %s
                            log_level: WARN
                            max_file_mb: 2
                            max_files: 3
                        """.formatted(dir.resolve("s.log"))), Map.of(), NO_CLI);
        assertThat(c.logLevel()).isEqualTo("INFO,io.sextant.shard=DEBUG");
        assertThat(c.logging().console().levelOf("io.sextant.shard.LocalShard")).isEqualTo("DEBUG");
        assertThat(c.logging().console().levelOf("io.sextant.shardx")).isEqualTo("INFO");
        assertThat(c.logging().format()).isEqualTo(LoggingConfig.Format.JSON);
        LoggingConfig.OnDisk f = c.logging().file();
        assertThat(f.path()).isEqualTo(dir.resolve("s.log"));
        assertThat(f.levels().root()).isEqualTo("WARN");
        assertThat(f.format()).isEqualTo(LoggingConfig.Format.TEXT);
        assertThat(f.maxFileBytes()).isEqualTo(2L << 20);
        assertThat(f.maxFiles()).isEqualTo(3);

        // logger.log_level wins over log_level, as in Qdrant
        ServerConfig both =
                ConfigLoader.load(write("log_level: ERROR\nlogger:\n  log_level: debug\n"), Map.of(), NO_CLI);
        assertThat(both.logLevel()).isEqualTo("DEBUG");

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QDRANT__LOG_LEVEL", "INFO,io.sextant=LOUD"), NO_CLI))
                .hasMessageContaining("LOUD");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QDRANT__LOGGER__FORMAT", "xml"), NO_CLI))
                .hasMessageContaining("logger.format")
                .hasMessageContaining("xml");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("QDRANT__LOGGER__ON_DISK__ENABLED", "true"), NO_CLI))
                .hasMessageContaining("logger.on_disk.log_file");
    }

    private Path write(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static void leaves(JsonNode node, String prefix, List<String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                leaves(e.getValue(), path, out);
            } else {
                out.add(path);
            }
        }
    }
}
