package io.sextant.segment.vectorindex;

import io.sextant.index.sparse.MmapSparseIndex;
import io.sextant.index.sparse.SparseIndexReader;
import io.sextant.index.sparse.SparseIndexWriter;
import io.sextant.index.sparse.SparseValueType;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The inverted index file of one sparse vector of an immutable segment: {@code
 * sparse-index-<hex name>-<datatype>.bin} in the segment directory (format: {@link
 * SparseIndexWriter}). The datatype is in the name, so a collection whose sparse {@code datatype}
 * changed finds no file for the new one and builds it; {@code on_disk} only decides how the file is
 * opened (mapped or read into memory). A missing or corrupt file is rebuilt from the segment's
 * stored sparse vectors, which are the source of truth. Stateless and thread-safe.
 */
public final class SparseIndexFiles {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparseIndexFiles.class);

    private SparseIndexFiles() {}

    /** The index file for sparse vector {@code name} stored as {@code spec}'s datatype. */
    public static Path file(Path segmentDir, String name, SparseVectorSpec spec) {
        return segmentDir.resolve("sparse-index-"
                + HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8)) + "-"
                + spec.datatype().name().toLowerCase(Locale.ROOT) + ".bin");
    }

    static SparseValueType valueType(SparseVectorSpec spec) {
        return switch (spec.datatype()) {
            case FLOAT32 -> SparseValueType.FLOAT32;
            case FLOAT16 -> SparseValueType.FLOAT16;
            case UINT8 -> SparseValueType.UINT8;
            case TURBO4 -> throw new IllegalArgumentException("sparse vectors cannot be stored as turbo4");
        };
    }

    /** Writes the index of {@code count} offsets durably (the caller fsyncs the directory). */
    public static void write(
            Path segmentDir, String name, SparseVectorSpec spec, int count, IntFunction<SparseVector> vectorAt) {
        Path f = file(segmentDir, name, spec);
        try {
            SparseIndexWriter.write(f, count, vectorAt, valueType(spec));
        } catch (IOException e) {
            throw new ServiceException("Failed to write sparse index " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the index of an immutable segment, building it first when it is missing, unreadable or
     * for another ordinal count, and deleting index files of other datatypes.
     */
    public static SparseIndexReader openOrBuild(
            Path segmentDir, String name, SparseVectorSpec spec, int count, IntFunction<SparseVector> vectorAt) {
        Path f = file(segmentDir, name, spec);
        deleteOthers(segmentDir, name, f);
        if (Files.exists(f)) {
            try {
                MmapSparseIndex idx = MmapSparseIndex.open(f, spec.placement().residency());
                if (idx.ordinalLimit() == count) {
                    return idx;
                }
                idx.close();
                LOG.warn(
                        "Sparse index {} covers {} offsets, the segment {}: rebuilding it",
                        f,
                        idx.ordinalLimit(),
                        count);
            } catch (IOException e) {
                LOG.warn("Rebuilding unusable sparse index {}: {}", f, e.getMessage());
            }
        }
        write(segmentDir, name, spec, count, vectorAt);
        try {
            io.sextant.segment.storage.AtomicFiles.fsyncDir(segmentDir);
            return MmapSparseIndex.open(f, spec.placement().residency());
        } catch (IOException e) {
            throw new ServiceException(
                    "Sparse index " + f + " unreadable right after writing it: " + e.getMessage(), e);
        }
    }

    private static void deleteOthers(Path segmentDir, String name, Path keep) {
        String prefix = "sparse-index-" + HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8)) + "-";
        try (var files = Files.list(segmentDir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && !p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean old sparse index files in {}: {}", segmentDir, e.getMessage());
        }
    }
}
