package io.sextant.collection.snapshot;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.shard.snapshot.SnapshotTarReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a recovery {@code location} into a local snapshot file and checks its integrity.
 *
 * <p>{@code file://} locations must point inside the snapshots directory (a request must not read
 * arbitrary files of the host). {@code http(s)://} locations are downloaded into the staging
 * directory, gated by {@code service.enable_snapshot_url_recovery}: {@code true} allows any host,
 * {@code false} none, unset (the default) only loopback hosts. Redirects are followed by hand, at
 * most {@value #MAX_REDIRECTS} of them, and every {@code Location} is checked against the same
 * policy before it is requested (a loopback URL must not bounce the node to another host), must
 * stay http(s) and must not go from https to http; the {@code api-key} header is only sent to the
 * origin of the requested URL. Thread-safe.
 */
public final class SnapshotLocations {
    private final Path snapshotsRoot;
    private final Boolean urlRecovery;
    /** Redirects followed at most per download. */
    static final int MAX_REDIRECTS = 5;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** @param urlRecovery true = any host, false = none, null = loopback hosts only */
    public SnapshotLocations(Path snapshotsRoot, Boolean urlRecovery) {
        this.snapshotsRoot = snapshotsRoot.toAbsolutePath().normalize();
        this.urlRecovery = urlRecovery;
    }

    /** A resolved source: the local file and whether it was downloaded (the caller deletes it then). */
    public record Source(Path file, boolean downloaded) {}

    /**
     * Resolves {@code location}; downloads go to {@code scratch} (must not exist).
     *
     * @throws UserException bad request for a malformed or disallowed location, a failed download;
     *     forbidden when URL recovery is disabled; not found for a missing file
     */
    public Source resolve(String location, String apiKey, Path scratch) {
        URI uri;
        try {
            uri = new URI(location.trim());
        } catch (URISyntaxException e) {
            throw UserException.badRequest("Wrong input: snapshot location is not a valid URL: " + location);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> new Source(localFile(uri, location), false);
            case "http", "https" -> new Source(download(uri, apiKey, scratch), true);
            default ->
                throw UserException.badRequest(
                        "Wrong input: snapshot location must be a file:// or http(s):// URL, got " + location);
        };
    }

    /**
     * A {@code file://} location as Qdrant checks it: the URI must name an absolute path with no
     * host or {@code localhost} (400 otherwise), the file must exist (400), and its real path
     * (symbolic links and {@code ..} resolved) must lie in the snapshots directory (403).
     */
    private Path localFile(URI uri, String location) {
        String authority = uri.getRawAuthority();
        String path = uri.getPath();
        if ((authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost"))
                || path == null
                || !path.startsWith("/")) {
            throw UserException.badRequest(
                    "Bad request: Invalid snapshot URI, file path must be absolute or on localhost");
        }
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw UserException.badRequest("Bad request: Snapshot file \"" + p + "\" does not exist");
        }
        Path real;
        Path root;
        try {
            real = p.toRealPath();
            root = Files.exists(snapshotsRoot) ? snapshotsRoot.toRealPath() : snapshotsRoot;
        } catch (IOException e) {
            throw UserException.badRequest(
                    "Bad request: Failed to resolve snapshot path \"" + p + "\": " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw new UserException(
                    UserException.Kind.FORBIDDEN,
                    "Forbidden: Snapshot file path must be inside the snapshots directory \"" + root + "\"");
        }
        if (!Files.isRegularFile(real)) {
            throw UserException.badRequest("Bad request: Snapshot file \"" + p + "\" is not a file");
        }
        return real;
    }

    private Path download(URI uri, String apiKey, Path scratch) {
        checkUrlAllowed(uri);
        try {
            Files.createDirectories(scratch.getParent());
            URI current = uri;
            for (int hop = 0; ; hop++) {
                HttpRequest.Builder req = HttpRequest.newBuilder(current).GET().timeout(Duration.ofHours(6));
                if (apiKey != null && !apiKey.isEmpty() && sameOrigin(uri, current)) {
                    req.header("api-key", apiKey);
                }
                HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = resp.body()) {
                    int status = resp.statusCode();
                    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                        if (hop >= MAX_REDIRECTS) {
                            throw UserException.badRequest("Wrong input: failed to download snapshot from " + uri
                                    + ": more than " + MAX_REDIRECTS + " redirects");
                        }
                        current = redirect(
                                uri,
                                current,
                                resp.headers().firstValue("Location").orElse(null));
                        continue;
                    }
                    if (status / 100 != 2) {
                        throw UserException.badRequest(
                                "Wrong input: failed to download snapshot from " + current + ": HTTP " + status);
                    }
                    Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
                }
                return scratch;
            }
        } catch (IOException e) {
            deleteQuietly(scratch);
            if (Files.exists(scratch.getParent())
                    && e.getMessage() != null
                    && e.getMessage().contains("space")) {
                throw new ServiceException("Failed to store downloaded snapshot: " + e.getMessage(), e);
            }
            throw UserException.badRequest(
                    "Wrong input: failed to download snapshot from " + uri + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(scratch);
            throw new ServiceException("Interrupted while downloading snapshot from " + uri, e);
        }
    }

    /** The next URL of a redirect, checked like the first one. */
    private URI redirect(URI original, URI current, String location) {
        if (location == null || location.isBlank()) {
            throw UserException.badRequest("Wrong input: failed to download snapshot from " + original + ": " + current
                    + " redirects without a Location");
        }
        URI next;
        try {
            next = current.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw UserException.badRequest("Wrong input: failed to download snapshot from " + original + ": " + current
                    + " redirects to an invalid URL " + location);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        boolean downgrade = scheme.equals("http") && "https".equalsIgnoreCase(current.getScheme());
        if (!(scheme.equals("http") || scheme.equals("https")) || downgrade) {
            throw UserException.badRequest("Wrong input: failed to download snapshot from " + original + ": "
                    + current + " redirects to " + next + "; only http(s) redirects without a downgrade from https"
                    + " are followed");
        }
        try {
            checkUrlAllowed(next);
        } catch (UserException e) {
            throw new UserException(
                    e.kind(),
                    "Forbidden: snapshot download from " + original + " was redirected to " + next
                            + ", which is not allowed: " + e.getMessage());
        }
        return next;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * @throws UserException (forbidden) when URL recovery is not allowed for this host
     */
    public void checkUrlAllowed(URI uri) {
        if (Boolean.TRUE.equals(urlRecovery)) {
            return;
        }
        boolean local = isLoopback(uri.getHost());
        if (Boolean.FALSE.equals(urlRecovery) || !local) {
            throw new UserException(
                    UserException.Kind.FORBIDDEN,
                    "Forbidden: recovering snapshots from URL " + uri + " is disabled"
                            + (urlRecovery == null ? " for non-local hosts" : "")
                            + "; set service.enable_snapshot_url_recovery: true to allow it");
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost: never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks the file against the requested checksum and against its sidecar when it has one.
     *
     * @return the file's SHA-256
     * @throws UserException (bad request) on a mismatch
     */
    public static String verifyChecksum(Path file, String expected, String sidecar) {
        String actual = SnapshotTarReader.sha256(file);
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw UserException.badRequest("Wrong input: snapshot checksum mismatch: expected "
                    + expected.toLowerCase(Locale.ROOT) + ", got " + actual);
        }
        if (sidecar != null && !sidecar.equalsIgnoreCase(actual)) {
            throw UserException.badRequest("Wrong input: snapshot " + file.getFileName()
                    + " does not match its .checksum sidecar (corrupt file): expected " + sidecar + ", got " + actual);
        }
        return actual;
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // staging is swept at start-up
        }
    }
}
