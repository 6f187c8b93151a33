package io.sextant.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A log level specification in Qdrant's {@code log_level} shape: comma-separated directives, each
 * either a bare level (the default for every logger) or {@code logger=level}, where the logger is
 * a name prefix such as {@code io.sextant.shard} (Rust-style {@code a::b} is read as {@code a.b}).
 * Levels: TRACE, DEBUG, INFO, WARN, ERROR, OFF, in any case. The most specific (longest) matching
 * prefix decides a logger's level. Immutable and thread-safe.
 *
 * @param root the level of loggers no directive names (INFO when none is given)
 * @param modules logger name prefix to level, in the order given
 */
public record LogDirectives(String root, Map<String, String> modules) {

    /** The levels accepted, most verbose first. */
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public LogDirectives {
        root = level(root, "log_level");
        Map<String, String> copy = new LinkedHashMap<>();
        modules.forEach((k, v) -> copy.put(k, level(v, "log_level " + k)));
        modules = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Parses {@code spec}, e.g. {@code INFO} or {@code warn,io.sextant.shard=debug}.
     *
     * @throws IllegalArgumentException naming the directive that is not understood
     */
    public static LogDirectives parse(String spec) {
        String root = "INFO";
        Map<String, String> modules = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return new LogDirectives(root, modules);
        }
        for (String part : spec.split(",")) {
            String d = part.trim();
            if (d.isEmpty()) {
                continue;
            }
            int eq = d.indexOf('=');
            if (eq < 0) {
                root = d;
            } else {
                String name = d.substring(0, eq).trim().replace("::", ".");
                if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException(
                            "log_level directive '" + d + "' must be LEVEL or logger.name=LEVEL");
                }
                modules.put(name, d.substring(eq + 1).trim());
            }
        }
        return new LogDirectives(root, modules);
    }

    /** The level of logger {@code name}: its longest matching directive, else {@link #root()}. */
    public String levelOf(String name) {
        String best = null;
        String level = root;
        for (Map.Entry<String, String> e : modules.entrySet()) {
            String p = e.getKey();
            boolean matches = name.equals(p) || name.startsWith(p + ".");
            if (matches && (best == null || p.length() > best.length())) {
                best = p;
                level = e.getValue();
            }
        }
        return level;
    }

    /** Whether an event of {@code level} from logger {@code name} passes. */
    public boolean enabled(String name, String level) {
        String threshold = levelOf(name);
        return !threshold.equals("OFF") && LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
    }

    /** The canonical text: root first, then {@code name=LEVEL} directives. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(root);
        modules.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
        return sb.toString();
    }

    private static String level(String s, String what) {
        String l = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new IllegalArgumentException(what + " must be one of " + String.join(", ", LEVELS) + ", got " + l);
        }
        return l;
    }
}
