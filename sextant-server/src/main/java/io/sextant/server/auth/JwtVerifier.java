package io.sextant.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sextant.segment.error.UserException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Qdrant-style RBAC tokens: compact JWS, {@code HS256} only (no {@code none}, no other
 * algorithm), signed with {@code service.api_key}, and turns their claims into a {@link Principal}.
 *
 * <p>Claims, as in Qdrant's documentation:
 *
 * <ul>
 *   <li>{@code exp} (seconds since the epoch, optional): refused once {@code now > exp + leeway}.
 *       {@code nbf}, when present, is honoured with the same leeway.
 *   <li>{@code access}: {@code "m"} (manage, the default when absent, as in Qdrant), {@code "r"}
 *       (global read) or a list of {@code {"collection": name, "access": "r"|"rw"}}. Entries with a
 *       {@code payload} restriction are refused (Qdrant deprecated them; ignoring one would widen
 *       access).
 *   <li>{@code value_exists} (optional): {@code {"collection": c, "matches": [{"key": k, "value":
 *       v}, …]}}; the token is valid only while a point of {@code c} has all these payload values,
 *       which lets a token be revoked by deleting that point.
 *   <li>{@code sub} (optional): names the principal in logs; {@code "jwt"} otherwise.
 * </ul>
 *
 * <p>The MAC is computed with the JDK's {@code HmacSHA256} and compared in constant time rather
 * than with nimbus' {@code MACVerifier}, because that verifier refuses secrets shorter than 256 bits
 * while Qdrant accepts any api key as the signing secret. nimbus does the parsing.
 *
 * <p>Immutable and thread-safe.
 */
final class JwtVerifier {

    /** Tolerance for clock skew on {@code exp} and {@code nbf}. */
    static final Duration LEEWAY = Duration.ofSeconds(30);

    private final byte[] secret;
    private final Clock clock;
    private final ValueExistsCheck valueExists;

    JwtVerifier(String secret, Clock clock, ValueExistsCheck valueExists) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.valueExists = valueExists;
    }

    /** Whether {@code token} has the shape of a compact JWS (three base64url parts). */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0
                && token.indexOf('.', first + 1) > first + 1
                && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** Verifies the token and returns its principal; throws UNAUTHORIZED when it is not valid. */
    Principal verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw unauthorized("malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw unauthorized("unsupported token algorithm " + jwt.getHeader().getAlgorithm() + ", expected HS256");
        }
        if (!MessageDigest.isEqual(
                mac(jwt.getSigningInput()), jwt.getSignature().decode())) {
            throw unauthorized("bad token signature");
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() != null
                && now.isAfter(claims.getExpirationTime().toInstant().plus(LEEWAY))) {
            throw unauthorized("token expired");
        }
        if (claims.getNotBeforeTime() != null
                && now.isBefore(claims.getNotBeforeTime().toInstant().minus(LEEWAY))) {
            throw unauthorized("token not valid yet");
        }
        String subject = claims.getSubject() == null || claims.getSubject().isBlank() ? "jwt" : claims.getSubject();
        Principal principal = principal("jwt:" + subject, claims.getClaim("access"));
        checkValueExists(claims.getClaim("value_exists"));
        return principal;
    }

    private byte[] mac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static Principal principal(String name, Object access) {
        if (access == null || "m".equals(access)) {
            return Principal.manager(name);
        }
        if ("r".equals(access)) {
            return Principal.reader(name);
        }
        if (!(access instanceof List<?> list)) {
            throw unauthorized("claim 'access' must be \"m\", \"r\" or a list of collection grants");
        }
        Map<String, Principal.CollectionAccess> grants = new HashMap<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> grant)
                    || !(grant.get("collection") instanceof String collection)
                    || !(grant.get("access") instanceof String mode)) {
                throw unauthorized("each entry of claim 'access' needs string fields 'collection' and 'access'");
            }
            if (grant.containsKey("payload")) {
                throw unauthorized("payload-restricted grants are not supported");
            }
            Principal.CollectionAccess a =
                    switch (mode) {
                        case "r" -> Principal.CollectionAccess.READ;
                        case "rw" -> Principal.CollectionAccess.READ_WRITE;
                        default ->
                            throw unauthorized("collection access must be \"r\" or \"rw\", got \"" + mode + "\"");
                    };
            grants.merge(collection, a, (x, y) -> x == Principal.CollectionAccess.READ_WRITE ? x : y);
        }
        return new Principal(name, Principal.Global.NONE, grants);
    }

    private void checkValueExists(Object claim) {
        if (claim == null) {
            return;
        }
        if (!(claim instanceof Map<?, ?> ve)
                || !(ve.get("collection") instanceof String collection)
                || !(ve.get("matches") instanceof List<?> matches)
                || matches.isEmpty()) {
            throw unauthorized("claim 'value_exists' needs 'collection' and a non-empty 'matches' list");
        }
        Map<String, Object> wanted = new HashMap<>();
        for (Object m : matches) {
            if (!(m instanceof Map<?, ?> match)
                    || !(match.get("key") instanceof String key)
                    || !match.containsKey("value")) {
                throw unauthorized("each entry of 'value_exists.matches' needs 'key' and 'value'");
            }
            wanted.put(key, match.get("value"));
        }
        boolean exists;
        try {
            exists = valueExists.exists(collection, wanted);
        } catch (UserException e) {
            exists = false;
        }
        if (!exists) {
            throw unauthorized("the token's value_exists condition does not hold");
        }
    }

    private static UserException unauthorized(String why) {
        return new UserException(UserException.Kind.UNAUTHORIZED, "Invalid token: " + why);
    }
}
