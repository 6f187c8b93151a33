package io.sextant.server.api.rest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web dashboard's static files at {@code GET /dashboard} and {@code GET /dashboard/...}, read
 * from the class path folder {@code dashboard/} (the Vite build of the repository's {@code
 * dashboard/} folder, put there by {@code dashboard/build.sh} when the server module is packaged).
 *
 * <ul>
 *   <li>{@code /dashboard} and every path that is not a file (the page's own routes, such as {@code
 *       /dashboard/collections/c}) answer {@code index.html}, so a reload or a shared link opens the
 *       same view; a missing file under {@code assets/} is a plain 404 instead (a stale page asking
 *       for an old bundle must not get HTML back as JavaScript);
 *   <li>content types by extension; hashed files under {@code assets/} are cached for a year
 *       ({@code immutable}), everything else is revalidated ({@code no-cache});
 *   <li>a strict Content-Security-Policy (own scripts, styles and API only; never framed), {@code
 *       nosniff} and no referrer;
 *   <li>when the server was built without the dashboard ({@code -Dsextant.dashboard.skip=true}, or
 *       no Node on the build machine) every dashboard path answers 503 with a page saying how to
 *       build it.
 * </ul>
 *
 * <p>The files hold no data: {@link io.sextant.server.auth.RestAccessRules} leaves these paths
 * open, and the page sends the API key with each REST call it makes, so authentication still
 * covers everything the dashboard shows. Only names made of letters, digits, {@code . _ - /} with
 * no {@code ..} segment are looked up, so nothing outside the folder can be read. Stateless and
 * thread-safe.
 */
public final class DashboardRoutes {

    /** The URL prefix. */
    public static final String PATH = "/dashboard";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._\\-/]*");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    /**
     * The page runs only its own bundle and talks only to this server; it holds an API key, so no
     * other site may frame it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final String NOT_BUILT = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sextant dashboard not built</title></head>
            <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
            <h1>The dashboard is not in this build</h1>
            <p>This server jar was packaged without the web dashboard (Maven ran with
            <code>-Dsextant.dashboard.skip=true</code>, or Node/npm were missing on the build machine).</p>
            <p>Build it with the machine's Node and npm, then restart the server:</p>
            <pre>dashboard/build.sh sextant-server/target/classes/dashboard
            mvn -B -DskipTests package -pl sextant-server -am</pre>
            <p>The REST API on this port works as usual.</p>
            </body></html>
            """;

    private final ClassLoader loader;
    private final String root;

    /** Serves the class path folder {@code dashboard/} of the server's class loader. */
    public DashboardRoutes() {
        this(DashboardRoutes.class.getClassLoader(), "dashboard");
    }

    /**
     * @param loader where the files are looked up
     * @param root the class path folder holding {@code index.html} and {@code assets/}
     */
    public DashboardRoutes(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root.endsWith("/") ? root : root + "/";
    }

    public void register(RoutesConfig r) {
        r.get(PATH, ctx -> serve(ctx, ""));
        r.get(PATH + "/<path>", ctx -> serve(ctx, ctx.pathParam("path")));
    }

    /** Whether the built files are on the class path. */
    public boolean built() {
        return loader.getResource(root + "index.html") != null;
    }

    private void serve(Context ctx, String name) {
        if (!built()) {
            ctx.status(503)
                    .header("Cache-Control", "no-store")
                    .contentType(TYPES.get("html"))
                    .result(NOT_BUILT);
            return;
        }
        ctx.header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        boolean safe = SAFE_NAME.matcher(name).matches() && !name.contains("..") && !name.contains("//");
        byte[] file = safe && !name.isEmpty() && !name.endsWith("/") ? read(root + name) : null;
        if (file != null) {
            boolean hashed = name.startsWith("assets/");
            ctx.header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache")
                    .contentType(type(name))
                    .result(file);
            return;
        }
        if (name.startsWith("assets/") || !safe) {
            ctx.status(404)
                    .header("Cache-Control", "no-store")
                    .contentType(TYPES.get("txt"))
                    .result("Not found");
            return;
        }
        ctx.header("Cache-Control", "no-cache").contentType(TYPES.get("html")).result(read(root + "index.html"));
    }

    private byte[] read(String resource) {
        // every built file has an extension; a name without one is a page route (and a folder on
        // the class path, such as assets, would open as a resource listing)
        if (resource.lastIndexOf('.') <= resource.lastIndexOf('/')) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading dashboard file " + resource, e);
        }
    }

    static String type(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
