package io.sextant.server.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a REST request needs, decided from its method and raw path alone (before routing, so that
 * unknown paths are covered too). Deny by default: an unknown non-GET path needs manage access,
 * an unknown GET path needs global read, so a route added later is never accidentally open to a
 * read-only key or a collection-scoped token.
 *
 * <ul>
 *   <li>open: {@code GET /}, {@code /healthz}, {@code /livez}, {@code /readyz} and the web
 *       dashboard's static files ({@code GET /dashboard/...}: they hold no data; the page sends
 *       the API key with every REST call it makes);
 *   <li>any authenticated caller: {@code GET /collections}, {@code GET /aliases} and {@code GET
 *       /issues} (the routes filter the lists by {@link Principal#canSee});
 *   <li>read on the collection: every {@code GET /collections/{c}/…} and the read-only POSTs
 *       ({@code points} retrieval, {@code scroll}, {@code count}, {@code search*}, {@code
 *       recommend*}, {@code query*}, {@code discover*}, {@code facet});
 *   <li>write on the collection: other {@code /collections/{c}/points/…} changes, payload
 *       index creation/deletion and named vector creation/deletion ({@code vectors/{name}}, as
 *       Qdrant's write access);
 *   <li>manage: creating, updating and deleting collections, aliases, snapshots (except listing
 *       and downloading collection snapshots, which are reads), cluster operations and everything
 *       unknown.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RestAccessRules {

    /** What a request needs. */
    public enum Level {
        OPEN,
        AUTHENTICATED,
        GLOBAL_READ,
        READ,
        WRITE,
        MANAGE
    }

    /**
     * @param level the access needed
     * @param collection the collection (or alias) named in the path for READ and WRITE, else null
     */
    public record Requirement(Level level, String collection) {
        /** Whether this request is a change (write or manage). */
        public boolean isWrite() {
            return level == Level.WRITE || level == Level.MANAGE;
        }
    }

    private static final Set<String> OPEN_PATHS = Set.of("", "healthz", "livez", "readyz");

    private static final Set<String> READ_POINT_POSTS = Set.of(
            "points",
            "points/scroll",
            "points/count",
            "points/search",
            "points/search/batch",
            "points/search/groups",
            "points/search/matrix/pairs",
            "points/search/matrix/offsets",
            "points/recommend",
            "points/recommend/batch",
            "points/recommend/groups",
            "points/query",
            "points/query/batch",
            "points/query/groups",
            "points/discover",
            "points/discover/batch",
            "facet");

    private RestAccessRules() {}

    /**
     * Classifies a request.
     *
     * @param method HTTP method, upper case
     * @param rawPath the request path as sent (percent-encoded), without the query string
     */
    public static Requirement classify(String method, String rawPath) {
        List<String> seg = segments(rawPath);
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        String joined = String.join("/", seg);
        if (get && (OPEN_PATHS.contains(joined) || dashboardFile(seg))) {
            return new Requirement(Level.OPEN, null);
        }
        if (get && (joined.equals("collections") || joined.equals("aliases") || joined.equals("issues"))) {
            return new Requirement(Level.AUTHENTICATED, null);
        }
        if (seg.size() >= 2
                && seg.get(0).equals("collections")
                && !(seg.size() == 2 && seg.get(1).equals("aliases"))) {
            return collectionScoped(method, get, seg.get(1), String.join("/", seg.subList(2, seg.size())));
        }
        return new Requirement(get ? Level.GLOBAL_READ : Level.MANAGE, null);
    }

    /**
     * A path under {@code /dashboard} with no dot segment: {@code /dashboard/../collections} is
     * routed by Jetty as {@code /collections} and must not be open.
     */
    private static boolean dashboardFile(List<String> seg) {
        return !seg.isEmpty()
                && seg.get(0).equals("dashboard")
                && seg.stream().noneMatch(s -> s.equals("..") || s.equals("."));
    }

    private static Requirement collectionScoped(String method, boolean get, String collection, String rest) {
        if (rest.isEmpty()) {
            return new Requirement(get ? Level.READ : Level.MANAGE, get ? collection : null);
        }
        if (get) {
            return new Requirement(Level.READ, collection);
        }
        if ("POST".equals(method) && READ_POINT_POSTS.contains(rest)) {
            return new Requirement(Level.READ, collection);
        }
        if (rest.equals("points")
                || rest.startsWith("points/")
                || rest.equals("index")
                || rest.startsWith("index/")
                || rest.startsWith("vectors/")) {
            return new Requirement(Level.WRITE, collection);
        }
        return new Requirement(Level.MANAGE, null);
    }

    /** Non-empty, percent-decoded path segments; a segment that does not decode is kept raw. */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                out.add(s);
            }
        }
        return out;
    }
}
