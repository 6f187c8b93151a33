package io.sextant.server.auth;

import io.sextant.segment.error.UserException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;

/**
 * Authentication for every API (REST and gRPC), independent of the transport: given the raw
 * {@code api-key} header and the raw {@code Authorization} header of a request, returns the
 * calling {@link Principal} or throws {@link UserException} of kind {@link
 * UserException.Kind#UNAUTHORIZED} (401 / UNAUTHENTICATED). Authorization (what the principal may
 * do) is then asked of the principal: {@link Principal#checkRead}, {@link Principal#checkWrite},
 * {@link Principal#checkManage}, {@link Principal#canSee}.
 *
 * <p>Rules, as in Qdrant:
 *
 * <ul>
 *   <li>Without {@code service.api_key} and {@code service.read_only_api_key}, authentication is
 *       off and every request is {@link Principal#ANONYMOUS_ADMIN}.
 *   <li>The credential is the {@code api-key} header, else the token of {@code Authorization:
 *       Bearer <token>}. It equal to {@code api_key} gives full access ({@code "api_key"}); equal to
 *       {@code read_only_api_key} gives global read ({@code "read_only_api_key"}). Both keys are
 *       compared in constant time (SHA-256 digests compared with {@link MessageDigest#isEqual}, so
 *       neither content nor length leaks through timing), and both comparisons always run.
 *   <li>With {@code service.jwt_rbac: true}, any other credential shaped like a JWT is verified as
 *       an RBAC token signed with {@code api_key} (see {@link JwtVerifier}).
 *   <li>Anything else is 401. Messages never echo the credential.
 * </ul>
 *
 * <p>Which endpoints are open ({@code /}, {@code /healthz}, {@code /livez}, {@code /readyz}) is
 * the transport's business: see {@link RestAccessRules}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessControl {

    /** Principal name of the full-access key. */
    public static final String API_KEY = "api_key";

    /** Principal name of the read-only key. */
    public static final String READ_ONLY_API_KEY = "read_only_api_key";

    /**
     * Authentication settings ({@code service.*}).
     *
     * @param apiKey full-access key and JWT signing secret, or null
     * @param readOnlyApiKey read-only key, or null
     * @param jwtRbac whether JWT RBAC tokens are accepted (requires {@code apiKey})
     */
    public record Settings(String apiKey, String readOnlyApiKey, boolean jwtRbac) {
        public static final Settings OPEN = new Settings(null, null, false);

        public Settings {
            apiKey = blankToNull(apiKey);
            readOnlyApiKey = blankToNull(readOnlyApiKey);
            if (jwtRbac && apiKey == null) {
                throw new IllegalArgumentException("service.jwt_rbac requires service.api_key (the signing secret)");
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }

        /** Whether any credential is required. */
        public boolean enabled() {
            return apiKey != null || readOnlyApiKey != null;
        }

        @Override
        public String toString() {
            return "Settings[apiKey=" + (apiKey == null ? "none" : "***") + ", readOnlyApiKey="
                    + (readOnlyApiKey == null ? "none" : "***") + ", jwtRbac=" + jwtRbac + "]";
        }
    }

    private final boolean enabled;
    private final byte[] apiKeyDigest;
    private final byte[] readOnlyDigest;
    private final JwtVerifier jwt;

    /**
     * @param settings keys and JWT switch
     * @param clock time source for token expiry
     * @param valueExists answers {@code value_exists} claims (usually a count on the collection)
     */
    public AccessControl(Settings settings, Clock clock, ValueExistsCheck valueExists) {
        this.enabled = settings.enabled();
        this.apiKeyDigest = settings.apiKey() == null ? null : sha256(settings.apiKey());
        this.readOnlyDigest = settings.readOnlyApiKey() == null ? null : sha256(settings.readOnlyApiKey());
        this.jwt = settings.jwtRbac() ? new JwtVerifier(settings.apiKey(), clock, valueExists) : null;
    }

    /** An access control that lets everyone do everything. */
    public static AccessControl open() {
        return new AccessControl(Settings.OPEN, Clock.systemUTC(), ValueExistsCheck.NEVER);
    }

    /** Whether credentials are required at all. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Authenticates one request.
     *
     * @param apiKeyHeader the {@code api-key} header (gRPC: metadata {@code api-key}), or null
     * @param authorizationHeader the {@code Authorization} header, or null
     * @return the caller
     * @throws UserException UNAUTHORIZED when authentication is on and the credential is missing or
     *     invalid
     */
    public Principal authenticate(String apiKeyHeader, String authorizationHeader) {
        if (!enabled) {
            return Principal.ANONYMOUS_ADMIN;
        }
        String credential = credential(apiKeyHeader, authorizationHeader);
        if (credential == null) {
            throw new UserException(
                    UserException.Kind.UNAUTHORIZED, "Must provide an API key or an Authorization bearer token");
        }
        byte[] digest = sha256(credential);
        boolean full = apiKeyDigest != null && MessageDigest.isEqual(digest, apiKeyDigest);
        boolean readOnly = readOnlyDigest != null && MessageDigest.isEqual(digest, readOnlyDigest);
        if (full) {
            return Principal.manager(API_KEY);
        }
        if (readOnly) {
            return Principal.reader(READ_ONLY_API_KEY);
        }
        if (jwt != null && JwtVerifier.looksLikeJwt(credential)) {
            return jwt.verify(credential);
        }
        throw new UserException(UserException.Kind.UNAUTHORIZED, "Invalid API key or token");
    }

    private static String credential(String apiKeyHeader, String authorizationHeader) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return apiKeyHeader.strip();
        }
        if (authorizationHeader != null) {
            String h = authorizationHeader.strip();
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = h.substring(7).strip();
                return token.isEmpty() ? null : token;
            }
        }
        return null;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }
}
