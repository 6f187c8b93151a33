package io.sextant.server.config;

import io.sextant.server.auth.AccessControl;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Security and operations settings: keys and JWT RBAC ({@code service.api_key}, {@code
 * service.read_only_api_key}, {@code service.jwt_rbac}), TLS ({@code service.enable_tls}, {@code
 * tls.*}, {@code service.verify_https_client_certificate}), the audit log ({@code audit.*}) and the
 * slow-request log ({@code service.slow_request_threshold_ms}). Immutable; {@link #toString()} never
 * shows a key.
 *
 * @param auth API keys and JWT switch
 * @param tls TLS for the REST (and gRPC) listeners
 * @param audit audit log
 * @param slowRequestThreshold requests taking at least this long are logged with their shape; zero logs every request
 */
public record SecurityConfig(AccessControl.Settings auth, Tls tls, Audit audit, Duration slowRequestThreshold) {

    /** Everything off, slow requests over one second logged. */
    public static final SecurityConfig NONE =
            new SecurityConfig(AccessControl.Settings.OPEN, Tls.OFF, Audit.OFF, Duration.ofSeconds(1));

    public SecurityConfig {
        auth = auth == null ? AccessControl.Settings.OPEN : auth;
        tls = tls == null ? Tls.OFF : tls;
        audit = audit == null ? Audit.OFF : audit;
        if (slowRequestThreshold == null || slowRequestThreshold.isNegative()) {
            throw new IllegalArgumentException(
                    "service.slow_request_threshold_ms must be >= 0, got " + slowRequestThreshold);
        }
    }

    /**
     * TLS settings. PEM files: {@code cert} is the certificate chain, {@code key} a PKCS#8 private key
     * ({@code BEGIN PRIVATE KEY}), {@code caCert} the CA bundle client certificates must chain to.
     *
     * @param enabled {@code service.enable_tls}
     * @param cert {@code tls.cert}
     * @param key {@code tls.key}
     * @param caCert {@code tls.ca_cert}, required when {@code verifyClientCertificate}
     * @param verifyClientCertificate {@code service.verify_https_client_certificate} (mutual TLS)
     * @param reloadInterval how often the files are checked for changes ({@code tls.cert_ttl}
     *     seconds; Qdrant's name), default 60 s
     */
    public record Tls(
            boolean enabled,
            Path cert,
            Path key,
            Path caCert,
            boolean verifyClientCertificate,
            Duration reloadInterval) {
        public static final Tls OFF = new Tls(false, null, null, null, false, Duration.ofSeconds(60));

        public Tls {
            reloadInterval = reloadInterval == null ? Duration.ofSeconds(60) : reloadInterval;
            if (enabled && (cert == null || key == null)) {
                throw new IllegalArgumentException("service.enable_tls requires tls.cert and tls.key");
            }
            if (enabled && verifyClientCertificate && caCert == null) {
                throw new IllegalArgumentException("service.verify_https_client_certificate requires tls.ca_cert");
            }
            if (reloadInterval.isNegative() || reloadInterval.isZero()) {
                throw new IllegalArgumentException("tls.cert_ttl must be > 0, got " + reloadInterval);
            }
        }
    }

    /**
     * Audit log settings.
     *
     * @param enabled {@code audit.enabled}, default false
     * @param dir {@code audit.dir}, default {@code ./audit}
     * @param maxFileBytes {@code audit.max_file_bytes}, default 100 MiB: the file is rotated when it
     *     would grow past this
     * @param maxFiles {@code audit.max_files}, default 10: rotated files kept
     */
    public record Audit(boolean enabled, Path dir, long maxFileBytes, int maxFiles) {
        public static final Audit OFF = new Audit(false, Path.of("./audit"), 100L << 20, 10);

        public Audit {
            dir = dir == null ? Path.of("./audit") : dir;
            if (maxFileBytes < 1024) {
                throw new IllegalArgumentException("audit.max_file_bytes must be >= 1024, got " + maxFileBytes);
            }
            if (maxFiles < 1) {
                throw new IllegalArgumentException("audit.max_files must be >= 1, got " + maxFiles);
            }
        }
    }

    @Override
    public String toString() {
        return "SecurityConfig[auth=" + auth + ", tls=" + tls + ", audit=" + audit + ", slowRequestThreshold="
                + slowRequestThreshold + "]";
    }
}
