package io.sextant.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.PointStruct;
import io.sextant.server.SextantServer;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC over TLS with certificates generated in the test ({@link TestPki}, keytool): one server
 * with mutual TLS and an API key. The official Java client ({@code io.qdrant.client}) on a TLS
 * channel that trusts the test CA and presents a CA-signed client certificate works with the API
 * key and is refused (UNAUTHENTICATED) without it; a client without a certificate is refused in the
 * handshake; a plaintext client gets no answer. The PKI and the server are shared by the tests
 * because every keytool run is a JVM start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcTlsTest {
    static final String KEY = "grpc-tls-key";

    @TempDir
    static Path tmp;

    SextantServer server;
    int port;
    TestPki pki;

    @BeforeAll
    void start() throws Exception {
        Files.createDirectories(tmp.resolve("pki"));
        pki = new TestPki(tmp.resolve("pki"));
        pki.issue("server", "sextant", true);
        pki.issue("client", "app-1", false);
        Map<String, String> env = Map.of(
                "SEXTANT__SERVICE__ENABLE_TLS",
                "true",
                "SEXTANT__TLS__CERT",
                tmp.resolve("pki/server.pem").toString(),
                "SEXTANT__TLS__KEY",
                tmp.resolve("pki/server.key").toString(),
                "SEXTANT__TLS__CA_CERT",
                pki.caPem().toString(),
                "SEXTANT__SERVICE__VERIFY_HTTPS_CLIENT_CERTIFICATE",
                "true",
                "SEXTANT__SERVICE__API_KEY",
                KEY,
                "SEXTANT__TLS__CERT_TTL",
                "1");
        server = SextantServer.start(
                ConfigLoader.load(null, env, new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, tmp.resolve("data"))),
                LocalShard::open);
        port = server.grpcPort();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A Java client over TLS trusting the test CA, presenting {@code clientName}'s certificate if not null. */
    private QdrantClient tlsClient(int port, String apiKey, String clientName) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient()
                .trustManager(tmp.resolve("pki/ca.pem").toFile());
        if (clientName != null) {
            ssl.keyManager(
                    tmp.resolve("pki/" + clientName + ".pem").toFile(),
                    tmp.resolve("pki/" + clientName + ".key").toFile());
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .sslContext(ssl.build())
                .build();
        QdrantGrpcClient.Builder b = QdrantGrpcClient.newBuilder(channel, true, false);
        if (apiKey != null) {
            b.withApiKey(apiKey);
        }
        return new QdrantClient(b.build());
    }

    @Test
    void javaClientOverTlsWithApiKey() throws Exception {
        try (QdrantClient client = tlsClient(port, KEY, "client")) {
            get(client.createCollectionAsync(
                    "tls",
                    VectorParams.newBuilder()
                            .setSize(2)
                            .setDistance(Distance.Dot)
                            .build()));
            get(client.upsertAsync(
                    "tls",
                    List.of(PointStruct.newBuilder()
                            .setId(PointIdFactory.id(7))
                            .setVectors(VectorsFactory.vectors(1f, 2f))
                            .build())));
            assertThat(get(client.countAsync("tls"))).isEqualTo(1L);
            assertThat(get(client.healthCheckAsync()).getVersion()).isNotEmpty();
        }
        try (QdrantClient noKey = tlsClient(port, null, "client")) {
            assertThat(code(noKey.listCollectionsAsync())).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void clientsWithoutCertificateOrWithoutTlsAreRefused() throws Exception {
        try (QdrantClient withoutCert = tlsClient(port, KEY, null)) {
            assertThat(code(withoutCert.listCollectionsAsync()))
                    .as("the handshake fails without a client certificate")
                    .isEqualTo(Status.Code.UNAVAILABLE);
        }
        // a plaintext client on the TLS port gets no answer from the API
        try (QdrantClient plain = new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", port, false, false)
                .withApiKey(KEY)
                .withTimeout(java.time.Duration.ofSeconds(5))
                .build())) {
            assertThat(code(plain.listCollectionsAsync())).isNotEqualTo(Status.Code.OK);
        }
    }

    @Test
    void rotatedCertificateIsServedWithoutRestart() throws Exception {
        BigInteger first = servedSerial();
        assertThat(first).isEqualTo(pki.leaf("server").getSerialNumber());
        pki.issue("server", "sextant-rotated", true); // rotate the files in place
        BigInteger second = pki.leaf("server").getSerialNumber();
        long deadline = System.nanoTime() + 20_000_000_000L;
        BigInteger served = first;
        while (!served.equals(second) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            served = servedSerial();
        }
        assertThat(served)
                .as("the rotated certificate is served over gRPC without a restart")
                .isEqualTo(second);
        try (QdrantClient c = tlsClient(port, KEY, "client")) {
            assertThat(get(c.healthCheckAsync()).getTitle()).isNotEmpty();
        }
    }

    /** The serial of the certificate the gRPC port presents in a TLS handshake. */
    private BigInteger servedSerial() throws Exception {
        try (SSLSocket s = (SSLSocket) pki.client("client").getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** The status code the call failed with; fails the test when the call succeeded. */
    private static Status.Code code(Future<?> f) {
        try {
            get(f);
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } catch (Exception e) {
            throw new AssertionError("expected a gRPC status, got " + e, e);
        }
        throw new AssertionError("the call succeeded but should have been refused");
    }
}
