package io.sextant.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with certificates generated in the test: plain TLS with API keys, certificate reload, mutual TLS. */
class TlsApiTest {

    @TempDir
    Path tmp;

    private SextantServer start(TestPki pki, boolean mtls, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SEXTANT__SERVICE__ENABLE_TLS",
                "true",
                "SEXTANT__TLS__CERT",
                tmp.resolve("pki/server.pem").toString(),
                "SEXTANT__TLS__KEY",
                tmp.resolve("pki/server.key").toString(),
                "SEXTANT__TLS__CERT_TTL",
                "1"));
        if (mtls) {
            env.put("SEXTANT__TLS__CA_CERT", pki.caPem().toString());
            env.put("SEXTANT__SERVICE__VERIFY_HTTPS_CLIENT_CERTIFICATE", "true");
        }
        env.putAll(extra);
        return SextantServer.start(
                ConfigLoader.load(null, env, new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, tmp.resolve("data"))),
                LocalShard::open);
    }

    private static BigInteger servedSerial(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void httpsWithApiKeyAndCertificateReload() throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("pki"));
        TestPki pki = new TestPki(tmp.resolve("pki"));
        pki.issue("server", "sextant-1", true);
        try (SextantServer server = start(pki, false, Map.of("SEXTANT__SERVICE__API_KEY", "tls-key"))) {
            int port = server.httpPort();
            HttpProbe https = new HttpProbe("https://127.0.0.1:" + port, pki.client(null));
            assertThat(https.send("GET", "/healthz", null).status()).isEqualTo(200);
            assertThat(https.send("GET", "/collections", null).status()).isEqualTo(401);
            assertThat(https.send("GET", "/collections", null, "api-key", "tls-key")
                            .status())
                    .isEqualTo(200);
            // plain HTTP on the TLS port does not get an answer from the API
            HttpProbe plain = new HttpProbe("http://127.0.0.1:" + port);
            try {
                assertThat(plain.send("GET", "/collections", null, "api-key", "tls-key")
                                .status())
                        .isNotEqualTo(200);
            } catch (RuntimeException expected) {
                // connection reset: also fine
            }

            BigInteger first = servedSerial(pki.client(null), port);
            assertThat(first).isEqualTo(pki.leaf("server").getSerialNumber());
            pki.issue("server", "sextant-2", true); // rotate the files in place
            BigInteger second = pki.leaf("server").getSerialNumber();
            long deadline = System.nanoTime() + 20_000_000_000L;
            BigInteger served = first;
            while (!served.equals(second) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                served = servedSerial(pki.client(null), port);
            }
            assertThat(served)
                    .as("the rotated certificate is served without a restart")
                    .isEqualTo(second);
            assertThat(new HttpProbe("https://127.0.0.1:" + port, pki.client(null))
                            .send("GET", "/collections", null, "api-key", "tls-key")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateFromTheCa() throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("pki"));
        TestPki pki = new TestPki(tmp.resolve("pki"));
        pki.issue("server", "sextant", true);
        pki.issue("client", "app-1", false);
        TestPki stranger = new TestPki(java.nio.file.Files.createDirectories(tmp.resolve("other")));
        stranger.issue("client", "intruder", false);
        try (SextantServer server = start(pki, true, Map.of())) {
            String base = "https://127.0.0.1:" + server.httpPort();
            assertThat(new HttpProbe(base, pki.client("client"))
                            .send("GET", "/collections", null)
                            .status())
                    .isEqualTo(200);
            assertThatThrownBy(() -> new HttpProbe(base, pki.client(null)).send("GET", "/collections", null))
                    .isInstanceOf(RuntimeException.class);
            SSLContext wrongCa = stranger.client("client");
            // trusts our server's CA? no: build a context with the stranger's key but our CA as trust
            assertThatThrownBy(() -> new HttpProbe(base, mixed(pki, stranger)).send("GET", "/collections", null))
                    .isInstanceOf(RuntimeException.class);
            assertThat(wrongCa).isNotNull();
        }
    }

    private static SSLContext mixed(TestPki trustFrom, TestPki keyFrom) throws Exception {
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trustFrom.load("ca").getCertificate("ca"));
        var tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyFrom.load("client"), TestPki.PW.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
