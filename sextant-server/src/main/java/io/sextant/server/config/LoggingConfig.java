package io.sextant.server.config;

import java.nio.file.Path;

/**
 * Logging: {@code log_level} / {@code logger.log_level} (directives, see {@link LogDirectives}),
 * {@code logger.format} for the console and {@code logger.on_disk.*} for an optional rotating log
 * file. Immutable.
 *
 * @param console level directives of the console (stdout)
 * @param format console line format
 * @param file the log file, or null when {@code logger.on_disk.enabled} is false
 */
public record LoggingConfig(LogDirectives console, Format format, OnDisk file) {

    /** INFO text lines on the console, no file. */
    public static final LoggingConfig DEFAULTS = new LoggingConfig(LogDirectives.parse("INFO"), Format.TEXT, null);

    public LoggingConfig {
        console = console == null ? LogDirectives.parse("INFO") : console;
        format = format == null ? Format.TEXT : format;
    }

    /** Line format: Qdrant's {@code text} or {@code json}. */
    public enum Format {
        /** {@code 2026-12-06T05:03:03.123Z  INFO io.sextant.server.SextantServer: message key="value"} */
        TEXT,
        /** one JSON object a line (logback's JSON encoder: timestamp, level, loggerName, message, kvpList) */
        JSON;

        /** {@code text} or {@code json}, in any case. */
        public static Format parse(String s, String key) {
            return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "", "null", "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException(key + " must be text or json, got " + s);
            };
        }
    }

    /**
     * The log file ({@code logger.on_disk}).
     *
     * @param path {@code log_file}
     * @param levels {@code log_level} of the file
     * @param format {@code format} of the file
     * @param bufferBytes {@code buffer_size_bytes}
     * @param maxFileBytes rotate when the file reaches this ({@code max_file_mb})
     * @param maxFiles rotated files kept ({@code max_files})
     */
    public record OnDisk(
            Path path, LogDirectives levels, Format format, int bufferBytes, long maxFileBytes, int maxFiles) {
        public OnDisk {
            if (path == null) {
                throw new IllegalArgumentException("logger.on_disk.log_file is required when logger.on_disk.enabled");
            }
            if (bufferBytes < 1) {
                throw new IllegalArgumentException("logger.on_disk.buffer_size_bytes must be >= 1, got " + bufferBytes);
            }
            if (maxFileBytes < 1) {
                throw new IllegalArgumentException("logger.on_disk.max_file_mb must be >= 1, got " + maxFileBytes);
            }
            if (maxFiles < 1 || maxFiles > 20) {
                throw new IllegalArgumentException("logger.on_disk.max_files must be in [1, 20], got " + maxFiles);
            }
        }
    }
}
