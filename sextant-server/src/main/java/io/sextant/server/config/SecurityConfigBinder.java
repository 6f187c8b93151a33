package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.server.auth.AccessControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Defaults and binding of the {@link SecurityConfig} keys for {@link ConfigLoader}: {@code
 * service.{read_only_api_key, jwt_rbac, enable_tls, verify_https_client_certificate,
 * slow_request_threshold_ms}}, {@code tls.{cert, key, ca_cert, cert_ttl}} and {@code
 * audit.{enabled, dir, max_file_bytes, max_files}}. Values from environment variables arrive as
 * strings, so booleans and numbers are also read from text. Stateless and thread-safe.
 */
final class SecurityConfigBinder {

    private SecurityConfigBinder() {}

    static void defaults(ObjectNode root) {
        ObjectNode service = (ObjectNode) root.get("service");
        service.putNull("read_only_api_key");
        service.put("jwt_rbac", false);
        service.put("enable_tls", false);
        service.put("verify_https_client_certificate", false);
        service.put("slow_request_threshold_ms", 1000);
        ObjectNode tls = root.putObject("tls");
        tls.putNull("cert");
        tls.putNull("key");
        tls.putNull("ca_cert");
        tls.put("cert_ttl", 60);
        ObjectNode audit = root.putObject("audit");
        audit.put("enabled", false);
        audit.put("dir", "./audit");
        audit.put("max_file_bytes", SecurityConfig.Audit.OFF.maxFileBytes());
        audit.put("max_files", SecurityConfig.Audit.OFF.maxFiles());
    }

    static SecurityConfig bind(ObjectNode tree) {
        JsonNode service = ConfigLoader.section(tree, "service");
        JsonNode tls = ConfigLoader.section(tree, "tls");
        JsonNode audit = ConfigLoader.section(tree, "audit");
        AccessControl.Settings auth = new AccessControl.Settings(
                optText(service, "api_key"), optText(service, "read_only_api_key"), bool(service, "service.jwt_rbac"));
        String caCert = optText(tls, "ca_cert");
        SecurityConfig.Tls t = new SecurityConfig.Tls(
                bool(service, "service.enable_tls"),
                optPath(tls, "cert"),
                optPath(tls, "key"),
                caCert == null ? null : Path.of(caCert),
                bool(service, "service.verify_https_client_certificate"),
                Duration.ofSeconds(ConfigLoader.integer(tls, "tls.cert_ttl")));
        SecurityConfig.Audit a = new SecurityConfig.Audit(
                bool(audit, "audit.enabled"),
                Path.of(ConfigLoader.text(audit, "audit.dir")),
                longValue(audit, "audit.max_file_bytes"),
                ConfigLoader.integer(audit, "audit.max_files"));
        return new SecurityConfig(
                auth, t, a, Duration.ofMillis(ConfigLoader.integer(service, "service.slow_request_threshold_ms")));
    }

    private static String optText(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isContainerNode()) {
            throw new IllegalArgumentException("Config key " + key + " must be a string");
        }
        String s = n.asText();
        return s.isEmpty() ? null : s;
    }

    private static Path optPath(JsonNode parent, String key) {
        String s = optText(parent, key);
        return s == null ? null : Path.of(s);
    }

    static boolean bool(JsonNode parent, String dottedKey) {
        JsonNode n = parent.get(dottedKey.substring(dottedKey.lastIndexOf('.') + 1));
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            switch (n.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> {
                    return true;
                }
                case "false", "0", "no", "off", "" -> {
                    return false;
                }
                default -> {}
            }
        }
        throw new IllegalArgumentException("Config key " + dottedKey + " must be true or false, got " + n);
    }

    private static long longValue(JsonNode parent, String dottedKey) {
        JsonNode n = parent.get(dottedKey.substring(dottedKey.lastIndexOf('.') + 1));
        if (n != null && n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n != null && n.isTextual()) {
            try {
                return Long.parseLong(n.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("Config key " + dottedKey + " must be an integer, got " + n);
    }
}
