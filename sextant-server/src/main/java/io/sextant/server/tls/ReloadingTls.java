package io.sextant.server.tls;

import io.sextant.server.config.SecurityConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for a Jetty listener from PEM files ({@code tls.cert}, {@code tls.key}, optional {@code
 * tls.ca_cert}), with mutual TLS when {@code service.verify_https_client_certificate} is set (a
 * client without a certificate chaining to the CA bundle is refused during the handshake). Every
 * {@code tls.cert_ttl} a daemon thread compares the files' modification times and sizes with the
 * last load and, when they changed, rebuilds the stores and swaps them into the live {@link
 * SslContextFactory} ({@link SslContextFactory#reload}); new connections get the new certificate,
 * open ones keep theirs. A reload that fails (half-written file, key not matching) is logged and
 * the old certificate stays in use; it is retried at the next tick.
 *
 * <p>Thread-safe; {@link #close()} stops the watcher.
 */
public final class ReloadingTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTls.class);

    private final SecurityConfig.Tls settings;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final ScheduledExecutorService watcher;
    private volatile List<Object> stamp;

    /** Loads the files once (failing fast on bad files) and starts the watcher. */
    public ReloadingTls(SecurityConfig.Tls settings) {
        this.settings = Objects.requireNonNull(settings);
        factory.setKeyStorePassword(new String(PemKeyStores.PASSWORD));
        factory.setKeyManagerPassword(new String(PemKeyStores.PASSWORD));
        factory.setEndpointIdentificationAlgorithm(null);
        load(factory);
        if (settings.verifyClientCertificate()) {
            factory.setNeedClientAuth(true);
        }
        stamp = stamp();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sextant-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long every = settings.reloadInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    private void load(SslContextFactory f) {
        f.setKeyStore(PemKeyStores.identity(settings.cert(), settings.key()));
        if (settings.caCert() != null) {
            f.setTrustStore(PemKeyStores.trust(settings.caCert()));
        }
    }

    private List<Object> stamp() {
        return stamp(settings);
    }

    /** Modification times and sizes of the certificate, key and CA files: changes when any is replaced. */
    static List<Object> stamp(SecurityConfig.Tls settings) {
        List<Object> s = new ArrayList<>();
        for (Path p : new Path[] {settings.cert(), settings.key(), settings.caCert()}) {
            if (p == null) {
                continue;
            }
            try {
                s.add(Files.getLastModifiedTime(p));
                s.add(Files.size(p));
            } catch (IOException e) {
                s.add("missing");
            }
        }
        return s;
    }

    /** Reloads the certificate when its files changed since the last load. */
    void reloadIfChanged() {
        List<Object> now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        try {
            factory.reload(this::load);
            stamp = now;
            LOG.info("Reloaded the TLS certificate from {}", settings.cert());
        } catch (Exception e) {
            LOG.warn("TLS certificate files changed but cannot be loaded, keeping the old one: {}", e.getMessage());
        }
    }

    /** A TLS (HTTP/1.1) connector on {@code host:port} for {@code server}. */
    public Connector connector(Server server, HttpConfiguration base, String host, int port) {
        HttpConfiguration https = new HttpConfiguration(base);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false);
        https.addCustomizer(src);
        ServerConnector c = new ServerConnector(
                server, new SslConnectionFactory(factory, "http/1.1"), new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        return c;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
