package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web dashboard of the packaged server driven in Debian's headless Chromium by {@code
 * src/test/dashboard/dashboard.mjs} (playwright-core from npm, installed with {@code npm ci} into
 * {@code target/dashboard-e2e}): create collection, import, filtered points browser, search,
 * snapshot, restore, then the snapshots (with a scheduled backup's passed restore drill), cluster
 * and metrics pages. Run once with authentication off and once with an API key, where the page must prompt for the key and the REST API refuses
 * the data calls without it. Screenshots are kept in {@code target/dashboard-shots}.
 *
 * <p>Chromium ({@code /usr/bin/chromium}) is installed by {@code bin/test}; when it is missing and
 * cannot be installed here either, the test is skipped.
 */
class DashboardEndToEndTest {

    private static final String CHROMIUM = System.getProperty("sextant.chromium", "/usr/bin/chromium");
    private static final String KEY = "dashboard-e2e-key-0123456789abcdef";
    private static final String READ_ONLY_KEY = "dashboard-e2e-read-only-0123456789";
    /** Created over REST before the auth run: the page lists it once the key is entered. */
    private static final String EXISTING = "made_before";

    @TempDir
    Path tmp;

    static Path scriptDir;
    static Path shots;

    @BeforeAll
    static void prepare() throws IOException, InterruptedException {
        installChromiumIfMissing();
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(CHROMIUM)),
                CHROMIUM + " is missing and could not be installed (apt-get install chromium)");
        Path target = Path.of(System.getProperty("sextant.target.dir", "target"));
        shots = target.resolve("dashboard-shots");
        if (Files.isDirectory(shots)) {
            try (Stream<Path> old = Files.list(shots)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(shots);
        scriptDir = target.resolve("dashboard-e2e");
        Files.createDirectories(scriptDir);
        Path source = Path.of(System.getProperty("sextant.dashboard.e2e.dir", "src/test/dashboard"));
        for (String f : List.of("package.json", "package-lock.json", "dashboard.mjs")) {
            Files.copy(source.resolve(f), scriptDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        // npm ci again only when the lock file changed since the last install
        Path lock = scriptDir.resolve("package-lock.json");
        Path stamp = scriptDir.resolve("node_modules/.sextant-lock");
        if (!Files.exists(stamp) || Files.mismatch(lock, stamp) != -1) {
            run(scriptDir, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
            Files.copy(lock, stamp, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void dashboardWorkflowWithoutAuth() throws Exception {
        Map<String, String> backups = Map.of(
                "SEXTANT__BACKUP__ENABLED", "true",
                "SEXTANT__BACKUP__INTERVAL", "10s",
                "SEXTANT__BACKUP__DRILL", "true",
                "SEXTANT__BACKUP__TARGET__LOCAL_DIR", tmp.resolve("backups").toString());
        try (ServerProcess server = server(backups)) {
            String out = drive(server, "open", null);
            assertThat(out)
                    .contains("ok - the query console finds point 7 first")
                    .contains("ok - the payload schema shows the new keyword index on group")
                    .contains("ok - the backups table shows a passed restore drill of dash_e2e");
        }
        for (String step : List.of("collections", "imported", "search", "restored", "snapshots-page", "metrics")) {
            assertThat(screenshot("open", step)).isNotEmptyFile();
        }
    }

    @Test
    void dashboardWithAuthPromptsForTheKeyAndDataNeedsIt() throws Exception {
        try (ServerProcess server = server(
                Map.of("SEXTANT__SERVICE__API_KEY", KEY, "SEXTANT__SERVICE__READ_ONLY_API_KEY", READ_ONLY_KEY))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dashboard"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as("the page itself is public").isEqualTo(200);
            assertThat(page.body()).contains("<div id=\"app\">");
            HttpResponse<String> data = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/collections"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(data.statusCode()).as("data calls need the key").isEqualTo(401);
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/collections/" + EXISTING))
                            .header("api-key", KEY)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

            String out = drive(server, "auth", KEY);
            assertThat(out)
                    .contains("ok - the dashboard prompts for the API key")
                    .contains("ok - the collection list shows the existing collection " + EXISTING)
                    .contains("ok - a change with the read-only key is refused (403) and the key can be kept")
                    .contains("ok - a wrong key is refused and the prompt comes back")
                    .contains("ok - after the restore the collection has 100 points again");
        }
        for (String step : List.of("key-prompt", "collections", "restored", "cluster")) {
            assertThat(screenshot("auth", step)).isNotEmptyFile();
        }
    }

    /** The screenshot the script took of this step (named PREFIX-NN-STEP.png). */
    private static Path screenshot(String prefix, String step) throws IOException {
        try (Stream<Path> all = Files.list(shots)) {
            String suffix = "-" + step + ".png";
            return all.filter(p -> p.getFileName().toString().startsWith(prefix + "-"))
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no screenshot " + prefix + "-NN" + suffix + " in " + shots));
        }
    }

    private ServerProcess server(Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(tmp.resolve("snapshots"));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("SEXTANT__STORAGE__SNAPSHOTS_PATH", tmp.resolve("snapshots").toString());
        return new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log"))
                .with(List.of(), all)
                .start();
    }

    /** Runs the script against the server; returns its output after asserting it passed. */
    private String drive(ServerProcess server, String prefix, String key) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "node",
                "dashboard.mjs",
                server.baseUrl(),
                shots.toAbsolutePath().toString(),
                prefix));
        if (key != null) {
            cmd.add(key);
        }
        Path log = tmp.resolve(prefix + "-node.log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(scriptDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CHROMIUM", CHROMIUM);
        if (key == null) {
            pb.environment().put("SEXTANT_E2E_BACKUPS", "1"); // the open run's server has backups on
        } else {
            pb.environment().put("SEXTANT_E2E_EXISTING", EXISTING);
            pb.environment().put("SEXTANT_E2E_READ_ONLY_KEY", READ_ONLY_KEY);
        }
        Process node = pb.start();
        boolean done = node.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
            node.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(done)
                .as("the dashboard script finished in time; output:\n%s", output)
                .isTrue();
        assertThat(node.exitValue())
                .as(
                        "dashboard script exit code; output:\n%s\nserver log:\n%s",
                        output, JsClientEndToEndTest.tail(tmp.resolve("server.log")))
                .isZero();
        assertThat(output).contains("Dashboard end-to-end: OK");
        return output;
    }

    /** apt-get install chromium when it is missing and this runs as root (bin/test normally did it). */
    private static void installChromiumIfMissing() throws InterruptedException {
        if (Files.isExecutable(Path.of(CHROMIUM)) || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try {
            run(
                    Path.of("."),
                    List.of(
                            "env",
                            "DEBIAN_FRONTEND=noninteractive",
                            "apt-get",
                            "install",
                            "-y",
                            "-q",
                            "--no-install-recommends",
                            "chromium"),
                    600);
        } catch (IOException | AssertionError e) {
            System.err.println("DashboardEndToEndTest: could not install chromium: " + e.getMessage());
        }
    }

    private static void run(Path dir, List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        assertThat(done && p.exitValue() == 0)
                .as("%s failed:\n%s", String.join(" ", cmd), output)
                .isTrue();
    }
}
