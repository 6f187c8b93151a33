package io.sextant.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens the {@link PointSource} for a data file: the format is given ({@code --format}) or taken
 * from the file extension. Stateless.
 */
final class PointSources {
    /** Accepted format names. */
    static final String FORMATS = "jsonl, csv, parquet, fvecs, bvecs, f16, f32, npy";

    private PointSources() {}

    /** The request to open a source. */
    record Spec(Path file, String format, int dim, Path payloadFile, ColumnMapping mapping) {}

    static String detect(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz") || name.endsWith(".zst")) {
            throw new IllegalArgumentException("compressed input (" + name + ") is not supported; decompress it first");
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "jsonl", "ndjson" -> "jsonl";
            case "csv" -> "csv";
            case "fvecs", "bvecs", "npy", "f16", "f32", "parquet" -> ext;
            case "fbin" ->
                throw new IllegalArgumentException(
                        "cannot tell the layout of " + name + "; pass --format f32 --dim N for raw float32 rows");
            default ->
                throw new IllegalArgumentException(
                        "cannot detect the format of " + name + " from its extension; pass --format (" + FORMATS + ")");
        };
    }

    static PointSource open(Spec spec) throws IOException {
        String format =
                spec.format() == null ? detect(spec.file()) : spec.format().toLowerCase(Locale.ROOT);
        if (spec.payloadFile() != null
                && !format.equals("f16")
                && !format.equals("f32")
                && !format.equals("fvecs")
                && !format.equals("bvecs")
                && !format.equals("npy")) {
            throw new IllegalArgumentException(
                    "--payload-file applies to binary row formats only (f16, f32, fvecs, bvecs, npy)");
        }
        return switch (format) {
            case "jsonl" -> new JsonlPointSource(spec.file(), spec.mapping());
            case "csv" -> new CsvPointSource(spec.file(), spec.mapping());
            case "fvecs" -> new BinaryRowSource(spec.file(), BinaryRowSource.Layout.FVECS, 0, 0, spec.payloadFile());
            case "bvecs" -> new BinaryRowSource(spec.file(), BinaryRowSource.Layout.BVECS, 0, 0, spec.payloadFile());
            case "f16" ->
                new BinaryRowSource(spec.file(), BinaryRowSource.Layout.F16, 0, spec.dim(), spec.payloadFile());
            case "f32" ->
                new BinaryRowSource(spec.file(), BinaryRowSource.Layout.F32, 0, spec.dim(), spec.payloadFile());
            case "npy" -> {
                NpyHeader h = NpyHeader.read(spec.file());
                yield new BinaryRowSource(spec.file(), h.layout(), h.dataOffset(), h.dim(), spec.payloadFile());
            }
            case "parquet" -> new ParquetPointSource(spec.file(), spec.mapping());
            default -> throw new IllegalArgumentException("unknown --format '" + format + "' (one of " + FORMATS + ")");
        };
    }
}
