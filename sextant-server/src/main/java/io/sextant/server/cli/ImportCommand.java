package io.sextant.server.cli;

import io.sextant.server.api.NewCollectionRules;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sextant import FILE --collection C [...]}: loads a data file into a collection of a running
 * Qdrant-compatible server over its REST API or, with {@code --transport grpc}, its gRPC API, or
 * straight into a stopped server's storage directory ({@code --storage-path}, see {@link
 * LocalBatchSink}) (see {@link PointSources} for the formats), in
 * batches upserted with {@code wait=true}, several in parallel, with retries, a progress display on
 * stderr and a resume checkpoint (see {@link ImportCheckpoint}) that a rerun of the same command
 * continues from. The checkpoint is deleted when the import completes. Exit status: 0 done, 1 the
 * server or the network failed (rerun to resume), 2 bad arguments, bad input or a batch the
 * server rejected (4xx).
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Load a data file (jsonl, csv, fvecs, bvecs, raw f16/f32 rows, npy) into a collection over REST or"
                        + " gRPC, or into a stopped server's storage directory")
public final class ImportCommand implements Callable<Integer> {
    private static final Pattern RANGE = Pattern.compile("(\\D*)(\\d+)\\.\\.(\\D*)(\\d+)");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "data file")
    Path file;

    @Option(
            names = {"-c", "--collection"},
            required = true,
            description = "target collection")
    String collection;

    @Mixin
    RestOptions rest = new RestOptions();

    @Option(
            names = "--transport",
            defaultValue = "rest",
            description = "rest or grpc (gRPC on --grpc-port of --url's host; default: ${DEFAULT-VALUE})")
    String transport;

    @Option(names = "--grpc-port", defaultValue = "6334", description = "gRPC port for --transport grpc")
    int grpcPort;

    @Option(
            names = "--storage-path",
            description = "write straight into this storage directory while its server is stopped (no --url)")
    Path storagePath;

    @Option(
            names = {"--config-path", "--config"},
            description = "with --storage-path: the server's config file (defaults for new collections)")
    Path configPath;

    @Option(names = "--create", description = "create the collection when it does not exist (size from the data)")
    boolean create;

    @Option(
            names = "--distance",
            defaultValue = "Cosine",
            description = "distance for --create: Cosine, Euclid, Dot, Manhattan")
    String distance;

    @Option(
            names = "--format",
            description = "input format: " + PointSources.FORMATS + " (default: from the extension)")
    String format;

    @Option(names = "--dim", defaultValue = "0", description = "vector dimension of raw f16/f32 rows")
    int dim;

    @Option(names = "--payload-file", description = "binary formats: JSONL file whose line i is the payload of row i")
    Path payloadFile;

    @Option(
            names = "--id-field",
            defaultValue = "id",
            description = "JSONL/CSV field with the id (default: ${DEFAULT-VALUE}; missing: row number)")
    String idField;

    @Option(
            names = "--vector-field",
            defaultValue = "vector",
            description = "JSONL/CSV field with the vector as a JSON array (default: ${DEFAULT-VALUE})")
    String vectorField;

    @Option(
            names = "--vector-columns",
            split = ",",
            description = "CSV: numeric columns forming the vector, e.g. v0,v1,v2 or v0..v383")
    List<String> vectorColumns = new ArrayList<>();

    @Option(names = "--payload-fields", split = ",", description = "fields to keep as payload (default: all remaining)")
    List<String> payloadFields = new ArrayList<>();

    @Option(names = "--batch", defaultValue = "256", description = "points per upsert (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--parallel", defaultValue = "2", description = "batches in flight (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(
            names = "--retries",
            defaultValue = "6",
            description = "retries per batch on 5xx / connection errors (default: ${DEFAULT-VALUE})")
    int retries;

    @Option(
            names = "--checkpoint",
            description =
                    "resume checkpoint file (default: FILE.sextant-import, or ./NAME.sextant-import when FILE's folder is read-only)")
    Path checkpoint;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream err = System.err;
        if (batch < 1 || parallel < 1) {
            err.println(
                    "sextant import: --batch and --parallel must be at least 1 (got " + batch + ", " + parallel + ")");
            return 2;
        }
        if (!Files.isRegularFile(file)) {
            err.println("sextant import: no such file: " + file);
            return 2;
        }
        ColumnMapping mapping;
        try {
            mapping = new ColumnMapping(idField, vectorField, expand(vectorColumns), payloadFields);
        } catch (IllegalArgumentException e) {
            err.println("sextant import: " + e.getMessage());
            return 2;
        }
        Path cp = checkpoint != null ? checkpoint : defaultCheckpoint(file);
        ImportTarget sink;
        try {
            sink = target();
        } catch (IllegalArgumentException e) {
            err.println("sextant import: " + e.getMessage());
            return 2;
        } catch (io.sextant.segment.error.ServiceException e) {
            err.println("sextant import: " + e.getMessage());
            return 1;
        }
        try (sink;
                PointSource source =
                        PointSources.open(new PointSources.Spec(file, format, dim, payloadFile, mapping))) {
            int size = sink.vectorSize();
            if (size > 0 && size != source.dimension()) {
                err.println("sextant import: collection '" + collection + "' has vectors of size " + size
                        + ", the data has dimension " + source.dimension());
                return 2;
            }
            if (size < 0) {
                if (!create) {
                    err.println("sextant import: collection '" + collection + "' does not exist at " + sink.describe()
                            + " (pass --create --distance D to create it)");
                    return 2;
                }
                sink.create(source.dimension(), distance);
                err.println(
                        "created collection '" + collection + "' (size " + source.dimension() + ", " + distance + ")");
            }
            ImportCheckpoint identity =
                    new ImportCheckpoint(file.toAbsolutePath().normalize().toString(), collection, batch, 0);
            boolean tty = System.console() != null && System.console().isTerminal();
            ImportRunner runner = new ImportRunner(source, sink, identity, cp, parallel, (total, already) -> {
                if (already > 0) {
                    err.println(String.format(Locale.ROOT, "resuming after %,d points (checkpoint %s)", already, cp));
                }
                return new ImportProgress(err, tty, total, already, System::nanoTime, 5_000_000_000L);
            });
            ImportRunner.Result r;
            try {
                r = runner.run();
            } catch (IOException e) {
                if (BatchRejectedException.isRejection(e)) {
                    err.println("sextant import: the " + (sink instanceof LocalBatchSink ? "collection" : "server")
                            + " rejected a batch: " + e.getMessage());
                    err.println(String.format(
                            Locale.ROOT,
                            "sextant import: fix the data or the collection; %,d "
                                    + "batches of %d are acknowledged (checkpoint %s)",
                            runner.doneBatches(),
                            batch,
                            cp));
                    return 2;
                }
                err.println("sextant import: " + e.getMessage());
                err.println(String.format(
                        Locale.ROOT,
                        "sextant import: stopped; %,d batches of %d are acknowledged, "
                                + "rerun the same command to resume (checkpoint %s)",
                        runner.doneBatches(),
                        batch,
                        cp));
                return 1;
            }
            Files.deleteIfExists(cp);
            System.out.println(String.format(
                    Locale.ROOT,
                    "imported %,d points in %.1f s (%,.0f points/s)%s",
                    r.imported(),
                    r.seconds(),
                    r.pointsPerSecond(),
                    r.skipped() > 0
                            ? String.format(Locale.ROOT, "; %,d skipped (done before resume)", r.skipped())
                            : ""));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("sextant import: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("sextant import: " + e.getMessage());
            return BatchRejectedException.isRejection(e) ? 2 : 1;
        }
    }

    /** The target from the options: a storage directory, or a server over REST or gRPC. */
    private ImportTarget target() {
        if (storagePath != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--url") || !"rest".equals(transport)) {
                throw new IllegalArgumentException("--storage-path writes locally; it takes no --url or --transport");
            }
            ServerConfig config = ConfigLoader.load(
                    configPath,
                    System.getenv(),
                    new ConfigLoader.CliOverrides(null, null, null, storagePath, null, null));
            return LocalBatchSink.open(
                    storagePath,
                    collection,
                    new NewCollectionRules(
                            config.storage().maxCollections(), config.storage().collectionDefaults()));
        }
        if (configPath != null) {
            throw new IllegalArgumentException("--config-path is for --storage-path imports only");
        }
        return switch (transport) {
            case "rest" -> new RestBatchSink(rest.client(retries), collection);
            case "grpc" -> new GrpcBatchSink(rest.url, grpcPort, rest.apiKey, collection, retries);
            default -> throw new IllegalArgumentException("--transport must be rest or grpc, not " + transport);
        };
    }

    static Path defaultCheckpoint(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        String name = abs.getFileName() + ".sextant-import";
        return dir != null && Files.isWritable(dir) ? dir.resolve(name) : Path.of(name);
    }

    /** Expands {@code v0..v3} to {@code v0,v1,v2,v3}; other names pass through. */
    static List<String> expand(List<String> cols) {
        List<String> out = new ArrayList<>();
        for (String c : cols) {
            Matcher m = RANGE.matcher(c.trim());
            if (m.matches()) {
                if (!m.group(1).equals(m.group(3))) {
                    throw new IllegalArgumentException("column range " + c + " must use one prefix on both ends");
                }
                int from = Integer.parseInt(m.group(2));
                int to = Integer.parseInt(m.group(4));
                if (to < from) {
                    throw new IllegalArgumentException("column range " + c + " runs backwards");
                }
                for (int i = from; i <= to; i++) {
                    out.add(m.group(1) + i);
                }
            } else {
                out.add(c.trim());
            }
        }
        return out;
    }
}
