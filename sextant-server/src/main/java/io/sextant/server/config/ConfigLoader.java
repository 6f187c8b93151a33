package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ServerConfig} from, in increasing precedence: built-in defaults, a YAML file
 * with Qdrant's keys, environment variables {@code QDRANT__SECTION__KEY=value}, environment
 * variables {@code SEXTANT__SECTION__KEY=value} (so when both name a key, Sextant's wins) and
 * command-line flags. In variable names a double underscore separates levels and names are
 * lower-cased, as Qdrant does: {@code QDRANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE=s3}.
 *
 * <p>Every key the file or the environment sets is checked against {@link ConfigKeys}: unknown
 * keys and unsupported values of Qdrant's keys stop the start with a message naming them
 * ({@link ConfigKeyCheck}). Stateless and thread-safe.
 */
public final class ConfigLoader {

    /** Prefix of environment variables that override configuration keys (and Qdrant's ones). */
    public static final String ENV_PREFIX = "SEXTANT__";

    /** Prefix of Qdrant's environment variables; Sextant's {@link #ENV_PREFIX} wins over it. */
    public static final String QDRANT_ENV_PREFIX = "QDRANT__";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Command-line overrides; null fields are not overridden.
     *
     * @param host {@code --host}
     * @param httpPort {@code --http-port}
     * @param grpcPort {@code --grpc-port}
     * @param storagePath {@code --storage-path}
     * @param uri {@code --uri}: this peer's p2p URI in cluster mode
     * @param bootstrap {@code --bootstrap}: a running peer's p2p URI to join
     */
    public record CliOverrides(
            String host, Integer httpPort, Integer grpcPort, Path storagePath, String uri, String bootstrap) {
        public static final CliOverrides NONE = new CliOverrides(null, null, null, null);

        public CliOverrides(String host, Integer httpPort, Integer grpcPort, Path storagePath) {
            this(host, httpPort, grpcPort, storagePath, null, null);
        }
    }

    private ConfigLoader() {}

    /**
     * Loads the configuration.
     *
     * @param configFile YAML file, or null for none
     * @param env environment variables (usually {@link System#getenv()})
     * @param cli command-line overrides
     * @throws IllegalArgumentException when the file cannot be read or parsed, or a value is invalid
     */
    public static ServerConfig load(Path configFile, Map<String, String> env, CliOverrides cli) {
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        if (configFile != null) {
            merge(user, readYaml(configFile));
        }
        Map<String, String> origins = new TreeMap<>();
        applyEnv(user, env, QDRANT_ENV_PREFIX, origins);
        applyEnv(user, env, ENV_PREFIX, origins);
        try {
            ConfigKeyCheck.check(user, origins);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((configFile == null ? "" : configFile + ": ") + e.getMessage(), e);
        }
        QdrantAliases.apply(user);
        ObjectNode tree = defaults();
        merge(tree, user);
        applyCli(tree, cli);
        return bind(tree);
    }

    static ObjectNode defaults() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode service = root.putObject("service");
        service.put("host", "0.0.0.0");
        service.put("http_port", 6333);
        service.put("grpc_port", 6334);
        service.put("max_request_size_mb", 32);
        service.putNull("api_key");
        service.put("enable_cors", true);
        SecurityConfigBinder.defaults(root);
        ObjectNode storage = root.putObject("storage");
        storage.put("storage_path", "./storage");
        storage.put("snapshots_path", "./snapshots");
        root.put("log_level", "INFO");
        root.put("telemetry_disabled", false);
        LoggingBinder.defaults(root);
        ClusterSettingsBinder.defaults(root);
        return root;
    }

    private static JsonNode readYaml(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode node = bytes.length == 0 ? null : YAML.readTree(bytes);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("Config file " + file + " must hold a YAML mapping, got "
                        + node.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode target, JsonNode source) {
        Iterator<Map.Entry<String, JsonNode>> it = source.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode obj && e.getValue().isObject()) {
                merge(obj, e.getValue());
            } else if (existing instanceof ObjectNode && e.getValue().isNull()) {
                // `tls: null` (Qdrant's "no such section") keeps the section's defaults
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void applyEnv(ObjectNode tree, Map<String, String> env, String prefix, Map<String, String> origins) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(prefix) || e.getKey().length() == prefix.length()) {
                continue;
            }
            String[] path = e.getKey()
                    .substring(prefix.length())
                    .toLowerCase(Locale.ROOT)
                    .split("__");
            origins.put(String.join(".", path), e.getKey());
            ObjectNode node = tree;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = node.get(path[i]);
                node = child instanceof ObjectNode obj ? obj : node.putObject(path[i]);
            }
            node.put(path[path.length - 1], e.getValue());
        }
    }

    private static void applyCli(ObjectNode tree, CliOverrides cli) {
        ObjectNode service = (ObjectNode) tree.get("service");
        ObjectNode storage = (ObjectNode) tree.get("storage");
        if (cli.host() != null) {
            service.put("host", cli.host());
        }
        if (cli.httpPort() != null) {
            service.put("http_port", cli.httpPort());
        }
        if (cli.grpcPort() != null && cli.grpcPort() >= 0) {
            service.put("grpc_port", cli.grpcPort());
        }
        if (cli.storagePath() != null) {
            storage.put("storage_path", cli.storagePath().toString());
        }
        ClusterSettingsBinder.applyCli(tree, cli.uri(), cli.bootstrap());
    }

    private static ServerConfig bind(ObjectNode tree) {
        JsonNode service = section(tree, "service");
        JsonNode storage = section(tree, "storage");
        JsonNode apiKey = service.get("api_key");
        return new ServerConfig(
                new ServerConfig.Service(
                        text(service, "service.host"),
                        integer(service, "service.http_port"),
                        grpcPort(service),
                        integer(service, "service.max_request_size_mb"),
                        apiKey == null || apiKey.isNull() || apiKey.asText().isEmpty() ? null : apiKey.asText(),
                        SecurityConfigBinder.bool(service, "service.enable_cors")),
                new ServerConfig.Storage(
                        Path.of(text(storage, "storage.storage_path")),
                        Path.of(text(storage, "storage.snapshots_path")),
                        io.sextant.server.snapshot.SnapshotSettings.bind(tree),
                        maxCollections(storage),
                        CollectionDefaultsBinder.bind(tree)),
                LoggingBinder.consoleLevels(tree),
                SecurityConfigBinder.bind(tree),
                ClusterSettingsBinder.bind(tree),
                LoggingBinder.bind(tree),
                LiveRecallBinder.bind(tree));
    }

    /** {@code storage.max_collections}; null (or {@code null} / empty text) means no limit. */
    private static int maxCollections(JsonNode storage) {
        JsonNode n = storage.get("max_collections");
        if (n == null || ConfigKeyCheck.normalise(n).equals("null")) {
            return ServerConfig.Storage.UNLIMITED;
        }
        return integer(storage, "storage.max_collections");
    }

    /** {@code service.grpc_port}; null (or {@code null} / empty text from a variable) turns gRPC off. */
    private static int grpcPort(JsonNode service) {
        JsonNode n = service.get("grpc_port");
        if (n == null || n.isNull() || ConfigKeyCheck.normalise(n).equals("null")) {
            return ServerConfig.Service.GRPC_DISABLED;
        }
        return integer(service, "service.grpc_port");
    }

    static JsonNode section(ObjectNode tree, String name) {
        JsonNode node = tree.get(name);
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException("Config section '" + name + "' must be a mapping, got " + node);
        }
        return node;
    }

    static String text(JsonNode parent, String dottedKey) {
        JsonNode node = parent.get(dottedKey.substring(dottedKey.lastIndexOf('.') + 1));
        if (node == null || node.isNull() || node.isContainerNode()) {
            throw new IllegalArgumentException("Config key " + dottedKey + " must be a string, got " + node);
        }
        return node.asText();
    }

    static int integer(JsonNode parent, String dottedKey) {
        JsonNode node = parent.get(dottedKey.substring(dottedKey.lastIndexOf('.') + 1));
        if (node != null && node.canConvertToInt() && node.isIntegralNumber()) {
            return node.intValue();
        }
        if (node != null && node.isTextual()) {
            try {
                return Integer.parseInt(node.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("Config key " + dottedKey + " must be an integer, got " + node);
    }
}
