package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant snapshot create|list|download|restore}: collection snapshots of a running
 * Qdrant-compatible server over its REST API. Downloads stream to a temporary file renamed into
 * place; restores upload a local file (multipart, field {@code snapshot}) or ask the server to
 * recover from a location it can read. Exit status 0 done, 1 server or network error.
 */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Collection snapshots over REST",
        subcommands = {
            SnapshotCommand.Create.class,
            SnapshotCommand.ListSnapshots.class,
            SnapshotCommand.Download.class,
            SnapshotCommand.Restore.class
        })
public final class SnapshotCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(
                "usage: sextant snapshot create|list|download|restore -c COLLECTION [--url U] [--api-key K]");
        return 0;
    }

    /** Options and error handling shared by the subcommands. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        RestOptions rest = new RestOptions();

        @Option(
                names = {"-c", "--collection"},
                required = true,
                description = "collection")
        String collection;

        String path() {
            return "/collections/" + URLEncoder.encode(collection, StandardCharsets.UTF_8) + "/snapshots";
        }

        @Override
        public final Integer call() throws InterruptedException {
            try {
                run(rest.client(2));
                return 0;
            } catch (IOException e) {
                System.err.println("sextant snapshot: " + e.getMessage());
                return 1;
            }
        }

        abstract void run(RestClient client) throws IOException, InterruptedException;
    }

    /** {@code snapshot create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a collection snapshot")
    static final class Create extends Base {
        @Override
        void run(RestClient client) throws IOException, InterruptedException {
            JsonNode r = client.json("POST", path() + "?wait=true", null);
            System.out.println(r.path("name").asText());
        }
    }

    /** {@code snapshot list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the collection's snapshots")
    static final class ListSnapshots extends Base {
        @Override
        void run(RestClient client) throws IOException, InterruptedException {
            JsonNode r = client.json("GET", path(), null);
            for (JsonNode s : r) {
                System.out.println(String.format(
                        Locale.ROOT,
                        "%s\t%d\t%s",
                        s.path("name").asText(),
                        s.path("size").asLong(),
                        s.path("creation_time").asText()));
            }
        }
    }

    /** {@code snapshot download}. */
    @Command(name = "download", mixinStandardHelpOptions = true, description = "Download a snapshot file")
    static final class Download extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "snapshot name")
        String name;

        @Option(
                names = {"-o", "--output"},
                description = "output file (default: NAME in the current folder)")
        Path output;

        @Override
        void run(RestClient client) throws IOException, InterruptedException {
            Path out = output != null ? output : Path.of(name);
            HttpRequest req = client.request(path() + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .GET()
                    .build();
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".part");
            try (InputStream in = resp.body()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println(out + "\t" + Files.size(out));
        }
    }

    /** {@code snapshot restore}. */
    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a collection from a snapshot")
    static final class Restore extends Base {
        @Option(names = "--file", description = "local snapshot file to upload")
        Path file;

        @Option(names = "--location", description = "URL or server-side file:// location the server recovers from")
        String location;

        @Option(names = "--priority", description = "snapshot, replica or no_sync (default: the server's)")
        String priority;

        @Override
        void run(RestClient client) throws IOException, InterruptedException {
            if ((file == null) == (location == null)) {
                throw new IOException("give exactly one of --file or --location");
            }
            String q = "?wait=true"
                    + (priority == null ? "" : "&priority=" + URLEncoder.encode(priority, StandardCharsets.UTF_8));
            if (location != null) {
                Map<String, String> body = priority == null
                        ? Map.of("location", location)
                        : Map.of("location", location, "priority", priority);
                client.json("PUT", path() + "/recover" + q, body);
            } else {
                if (!Files.isRegularFile(file)) {
                    throw new IOException("no such file: " + file);
                }
                String boundary = "sextant-" + UUID.randomUUID();
                String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\""
                        + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
                String tail = "\r\n--" + boundary + "--\r\n";
                HttpRequest req = client.request(path() + "/upload" + q)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.concat(
                                HttpRequest.BodyPublishers.ofString(head),
                                HttpRequest.BodyPublishers.ofFile(file),
                                HttpRequest.BodyPublishers.ofString(tail)))
                        .build();
                client.send(req, HttpResponse.BodyHandlers.ofString());
            }
            System.out.println("restored collection '" + collection + "'");
        }
    }
}
