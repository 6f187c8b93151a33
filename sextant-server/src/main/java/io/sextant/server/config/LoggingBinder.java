package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Defaults and binding of the logging keys for {@link ConfigLoader}: {@code log_level}, {@code
 * logger.log_level} (wins over {@code log_level} when both are set, as in Qdrant), {@code
 * logger.format} and {@code logger.on_disk.*}. Stateless and thread-safe.
 */
final class LoggingBinder {

    static final int DEFAULT_BUFFER_BYTES = 8192;
    static final int DEFAULT_MAX_FILE_MB = 100;
    static final int DEFAULT_MAX_FILES = 5;

    private LoggingBinder() {}

    static void defaults(ObjectNode root) {
        ObjectNode logger = root.putObject("logger");
        logger.putNull("log_level");
        logger.put("format", "text");
        ObjectNode onDisk = logger.putObject("on_disk");
        onDisk.put("enabled", false);
        onDisk.putNull("log_file");
        onDisk.putNull("log_level");
        onDisk.put("format", "text");
        onDisk.put("buffer_size_bytes", DEFAULT_BUFFER_BYTES);
        onDisk.put("max_file_mb", DEFAULT_MAX_FILE_MB);
        onDisk.put("max_files", DEFAULT_MAX_FILES);
    }

    /** The console's level directives: {@code logger.log_level}, else {@code log_level}. */
    static String consoleLevels(ObjectNode tree) {
        JsonNode specific = ConfigLoader.section(tree, "logger").get("log_level");
        if (specific != null && !ConfigKeyCheck.normalise(specific).equals("null")) {
            return specific.asText();
        }
        JsonNode top = tree.get("log_level");
        return top == null || top.isNull() ? "INFO" : ConfigLoader.text(tree, "log_level");
    }

    static LoggingConfig bind(ObjectNode tree) {
        JsonNode logger = ConfigLoader.section(tree, "logger");
        LogDirectives console = LogDirectives.parse(consoleLevels(tree));
        LoggingConfig.Format format =
                LoggingConfig.Format.parse(logger.path("format").asText(null), "logger.format");
        JsonNode d = logger.path("on_disk");
        LoggingConfig.OnDisk file = null;
        if (d.isObject() && SecurityConfigBinder.bool(d, "logger.on_disk.enabled")) {
            JsonNode path = d.get("log_file");
            JsonNode levels = d.get("log_level");
            file = new LoggingConfig.OnDisk(
                    path == null || ConfigKeyCheck.normalise(path).equals("null") ? null : Path.of(path.asText()),
                    levels == null || ConfigKeyCheck.normalise(levels).equals("null")
                            ? console
                            : LogDirectives.parse(levels.asText()),
                    LoggingConfig.Format.parse(d.path("format").asText(null), "logger.on_disk.format"),
                    ConfigLoader.integer(d, "logger.on_disk.buffer_size_bytes"),
                    ConfigLoader.integer(d, "logger.on_disk.max_file_mb") * 1024L * 1024L,
                    ConfigLoader.integer(d, "logger.on_disk.max_files"));
        }
        return new LoggingConfig(console, format, file);
    }
}
