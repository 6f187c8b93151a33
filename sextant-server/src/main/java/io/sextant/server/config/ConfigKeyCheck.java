package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the keys a user set (file and environment, before defaults are merged in) against {@link
 * ConfigKeys}: a key that is not there is refused naming it (a typo must not vanish), and a {@link
 * ConfigKeys.Support#DEFAULT_ONLY} key set to a value it does not accept is refused naming the key,
 * the value and why. All problems are reported at once, one a line. Stateless and thread-safe.
 */
final class ConfigKeyCheck {

    private ConfigKeyCheck() {}

    /**
     * @param user the keys the user set
     * @param origins where a key came from when not from the file (dotted path to {@code
     *     QDRANT__…} / {@code SEXTANT__…} variable name)
     * @throws IllegalArgumentException listing every unknown or unsupported key
     */
    static void check(JsonNode user, Map<String, String> origins) {
        List<String> problems = new ArrayList<>();
        walk(user, "", origins, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n  ", problems));
        }
    }

    private static void walk(JsonNode node, String prefix, Map<String, String> origins, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode value = e.getValue();
            String from = origins.containsKey(path) ? " (from " + origins.get(path) + ")" : "";
            ConfigKeys.Key key = ConfigKeys.get(path);
            if (key != null) {
                String v = normalise(value);
                if (key.support() == ConfigKeys.Support.DEFAULT_ONLY
                        && !key.accepted().contains(v)) {
                    String shown = secret(path) ? "a value" : v;
                    problems.add("config key " + path + ": " + shown + " is not supported" + from + ": " + key.note()
                            + " (accepted: " + String.join(", ", key.accepted()) + ")");
                }
            } else if (ConfigKeys.isSection(path)) {
                if (value.isObject()) {
                    walk(value, path, origins, problems);
                } else if (!value.isNull()) {
                    problems.add("config key " + path + " must be a mapping, got " + value + from);
                }
            } else {
                problems.add("unknown config key " + path + from
                        + ": not a Qdrant or Sextant setting (check the spelling; the README lists every key)");
            }
        }
    }

    /** Keys whose values must not be echoed in messages (they end up in logs). */
    private static boolean secret(String path) {
        return path.endsWith("key") || path.contains("secret") || path.contains("password");
    }

    /**
     * The comparable form of a value: {@code null} for null, missing, empty or {@code "null"} text;
     * numbers (also as text) in plain form without trailing zeros; other text trimmed and
     * lower-cased; {@code []} / {@code {}} for empty containers, JSON otherwise.
     */
    static String normalise(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isNumber()) {
            return plain(value.decimalValue());
        }
        if (value.isBoolean()) {
            return Boolean.toString(value.booleanValue());
        }
        if (value.isContainerNode()) {
            return value.isEmpty() ? (value.isArray() ? "[]" : "{}") : value.toString();
        }
        String s = value.asText().trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("null") || s.equals("~")) {
            return "null";
        }
        try {
            return plain(new BigDecimal(s));
        } catch (NumberFormatException e) {
            return s;
        }
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
}
