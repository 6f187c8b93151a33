package io.sextant.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds HS256 JWTs for tests (any secret length, any header), independently of the server's code. */
public final class TestTokens {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {}

    public static String hs256(String secret, Map<String, Object> claims) {
        return sign(secret, Map.of("alg", "HS256", "typ", "JWT"), claims);
    }

    public static String sign(String secret, Map<String, Object> header, Map<String, Object> claims) {
        try {
            String input = B64.encodeToString(M.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(M.writeValueAsBytes(claims));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token with its claims part replaced by {@code claims} (signature kept): a tampered token. */
    static String tamper(String token, Map<String, Object> claims) {
        String[] parts = token.split("\\.");
        try {
            return parts[0] + "." + B64.encodeToString(M.writeValueAsBytes(claims)) + "." + parts[2];
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static long nowPlus(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }
}
