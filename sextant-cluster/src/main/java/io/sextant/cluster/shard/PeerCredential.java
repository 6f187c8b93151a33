package io.sextant.cluster.shard;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.ratis.thirdparty.io.grpc.ClientInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.stub.MetadataUtils;

/**
 * The credential peers of one cluster present on the internal shard service: derived from the API
 * key they share ({@code service.api_key}), sent by the caller in the metadata header {@value
 * #HEADER} and checked by the callee ({@link PeerCredentialCheck}). A node without an API key has
 * {@link #NONE}: nothing is sent and nothing is checked (the open p2p port of a keyless node, as
 * before).
 *
 * <p><b>Token:</b> lowercase hex of {@code HMAC-SHA256(key = UTF-8 API key, message = UTF-8
 * "sextant internal shard api v1")}, 64 characters. Not the API key itself, so a header read off the
 * plaintext p2p link does not open the REST/gRPC APIs (where the key grants full access); it is
 * still a static bearer token that opens the p2p port to whoever reads it, until the p2p link gets
 * TLS. The version suffix of the message lets a later format (per-call MAC, timestamps) be told
 * apart. Compared in constant time. Immutable, thread-safe.
 */
public final class PeerCredential {
    /** The metadata header carrying the token. */
    public static final String HEADER = "x-sextant-peer-token";

    /** No API key: calls carry no token and the service checks none. */
    public static final PeerCredential NONE = new PeerCredential(null);

    static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private static final String MESSAGE = "sextant internal shard api v1";

    private final String token;

    private PeerCredential(String token) {
        this.token = token;
    }

    /** The credential derived from {@code apiKey}; {@link #NONE} when it is null or empty. */
    public static PeerCredential fromApiKey(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return NONE;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new PeerCredential(HexFormat.of().formatHex(mac.doFinal(MESSAGE.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** Whether calls must carry a token. */
    public boolean required() {
        return token != null;
    }

    /** Whether {@code presented} (a header value, may be null) is this credential's token. */
    boolean accepts(String presented) {
        if (token == null) {
            return true;
        }
        return presented != null
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Attaches the token to every call of a channel (a no-op interceptor for {@link #NONE}). */
    ClientInterceptor clientInterceptor() {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(KEY, token);
        }
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** The server side: refuses calls without this credential's token. */
    ServerInterceptor serverInterceptor() {
        return new PeerCredentialCheck(this);
    }

    @Override
    public String toString() {
        return token == null ? "PeerCredential[none]" : "PeerCredential[hmac-sha256]";
    }
}
