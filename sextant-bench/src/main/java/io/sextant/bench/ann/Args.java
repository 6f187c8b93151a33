package io.sextant.bench.ann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags of the form {@code --name value} (or {@code --name=value}), with typed
 * getters and defaults. Unknown flags are rejected by {@link #checkOnly}. Not thread-safe.
 */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected a --flag, got '" + a + "'");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                values.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(a.substring(2), args[++i]);
            } else {
                values.put(a.substring(2), "true");
            }
        }
    }

    void checkOnly(String... known) {
        List<String> allowed = Arrays.asList(known);
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("unknown flag --" + k + ", known: " + allowed);
            }
        }
    }

    String get(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int getInt(String name, int def) {
        String v = values.get(name);
        return v == null ? def : Integer.parseInt(v);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    List<String> list(String name, String def) {
        List<String> out = new ArrayList<>();
        for (String s : get(name, def).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    int[] ints(String name, String def) {
        return list(name, def).stream().mapToInt(Integer::parseInt).toArray();
    }
}
