package io.sextant.server.api.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The commit the server was built from, as {@code GET /} reports it (Qdrant's {@code commit}: 40
 * hex digits). Read once from the class-path resource {@code io/sextant/server/build.properties}
 * (key {@code commit}) when a packaging step wrote one; the build does not write it yet, so the
 * answer is then 40 zeros (a well-formed "unknown"). Thread-safe (immutable after class init).
 */
final class BuildInfo {

    static final String UNKNOWN_COMMIT = "0".repeat(40);

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private static final String COMMIT = load();

    private BuildInfo() {}

    static String commit() {
        return COMMIT;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/sextant/server/build.properties")) {
            if (in == null) {
                return UNKNOWN_COMMIT;
            }
            Properties p = new Properties();
            p.load(in);
            return parse(p.getProperty("commit"));
        } catch (IOException e) {
            return UNKNOWN_COMMIT;
        }
    }

    /** The commit if it is 40 hex digits (any case), else {@link #UNKNOWN_COMMIT}. */
    static String parse(String commit) {
        if (commit == null) {
            return UNKNOWN_COMMIT;
        }
        String c = commit.trim().toLowerCase(java.util.Locale.ROOT);
        return SHA.matcher(c).matches() ? c : UNKNOWN_COMMIT;
    }
}
