package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * Rewrites Qdrant's spelling of settings Sextant has under another name into Sextant's key, in the
 * tree of keys the user set, unless the user also set Sextant's key (which then wins): {@code
 * service.slow_query_secs} (seconds, fractional) becomes {@code service.slow_request_threshold_ms}
 * and {@code audit.max_log_files} becomes {@code audit.max_files}. Stateless.
 */
final class QdrantAliases {

    private QdrantAliases() {}

    static void apply(ObjectNode user) {
        if (user.get("service") instanceof ObjectNode service) {
            JsonNode secs = service.get("slow_query_secs");
            if (secs != null && !secs.isNull() && !service.has("slow_request_threshold_ms")) {
                try {
                    BigDecimal ms = new BigDecimal(secs.asText().trim()).movePointRight(3);
                    service.put("slow_request_threshold_ms", ms.longValue());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "service.slow_query_secs must be a number of seconds, got " + secs);
                }
            }
        }
        if (user.get("audit") instanceof ObjectNode audit) {
            JsonNode files = audit.get("max_log_files");
            if (files != null && !files.isNull() && !audit.has("max_files")) {
                audit.set("max_files", files);
            }
        }
    }
}
