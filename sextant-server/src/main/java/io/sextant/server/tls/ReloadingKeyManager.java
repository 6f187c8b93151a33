package io.sextant.server.tls;

import io.sextant.server.config.SecurityConfig;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS identity for listeners that take a {@link KeyManager} (gRPC's Netty server):
 * loaded from the PEM certificate and key, and re-read when the files change (checked every {@code
 * tls.cert_ttl}, as {@link ReloadingTls} does for REST), so a rotated certificate is served to new
 * connections without a restart. Files that fail to load keep the previous identity. Thread-safe:
 * the current delegate is a volatile reference swapped atomically.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private final SecurityConfig.Tls settings;
    private final ScheduledExecutorService watcher;
    private volatile X509ExtendedKeyManager delegate;
    private volatile List<Object> stamp;

    /** Loads the files once (failing fast on bad files) and starts the watcher. */
    public ReloadingKeyManager(SecurityConfig.Tls settings) {
        this.settings = settings;
        this.delegate = load();
        this.stamp = ReloadingTls.stamp(settings);
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sextant-grpc-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long every = settings.reloadInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    private X509ExtendedKeyManager load() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(PemKeyStores.identity(settings.cert(), settings.key()), PemKeyStores.PASSWORD);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new IllegalArgumentException("No X.509 key manager for " + settings.cert());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot load the TLS certificate " + settings.cert() + ": " + e.getMessage(), e);
        }
    }

    /** Reloads the identity when its files changed since the last load. */
    void reloadIfChanged() {
        List<Object> now = ReloadingTls.stamp(settings);
        if (now.equals(stamp)) {
            return;
        }
        try {
            delegate = load();
            stamp = now;
            LOG.info("Reloaded the gRPC TLS certificate from {}", settings.cert());
        } catch (RuntimeException e) {
            LOG.warn("TLS certificate files changed but cannot be loaded, keeping the old one: {}", e.getMessage());
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
