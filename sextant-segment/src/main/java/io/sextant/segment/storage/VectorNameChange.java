package io.sextant.segment.storage;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How the named vectors a segment was written with ({@code points.bin}'s name list) map onto the
 * vectors the collection has now, after named vectors were created or dropped on a live collection
 * ({@code PUT/DELETE /collections/{c}/vectors/{name}}). Presence bits are one per name in sorted
 * name order, so adding or removing a name moves the bits of every name after it: {@link #remap}
 * translates a stored presence word into the current bit order, dropping the bits of removed
 * names; added names start with no point having them.
 *
 * <p>Also knows the files a named vector owns in a segment directory (see {@link #ownerOf}), so
 * that {@link #deleteFilesOf} can clear a name's leftovers before it is created afresh and {@link
 * #sweepOrphans} can remove the files of names the segment no longer has (a crash between the
 * points-file rewrite and the deletion leaves them behind; the next open finishes the job).
 *
 * <p>Immutable and thread-safe; the file operations are stateless.
 */
public final class VectorNameChange {
    /** File-name prefixes of per-vector files, each followed by the hex of the UTF-8 vector name. */
    private static final List<String> PREFIXES =
            List.of("sparse-index-", "vectors-", "multivec-", "sparse-", "hnsw-", "quant-");

    private final List<String> stored;
    private final List<String> current;
    /** For each stored bit, its bit in {@code current}, or -1 when the name was dropped. */
    private final int[] target;

    private final boolean identity;

    private VectorNameChange(List<String> stored, List<String> current) {
        this.stored = List.copyOf(stored);
        this.current = List.copyOf(current);
        this.target = new int[stored.size()];
        for (int i = 0; i < target.length; i++) {
            target[i] = current.indexOf(stored.get(i));
        }
        this.identity = stored.equals(current);
    }

    /**
     * The change from {@code stored} names (bit order of the file) to {@code current} names (bit
     * order of the open segment); both sorted and at most 63 long.
     */
    public static VectorNameChange between(List<String> stored, List<String> current) {
        if (stored.size() > Segment.MAX_VECTORS || current.size() > Segment.MAX_VECTORS) {
            throw new IllegalArgumentException("At most " + Segment.MAX_VECTORS + " named vectors, got " + stored.size()
                    + " stored and " + current.size() + " current");
        }
        return new VectorNameChange(stored, current);
    }

    /** Whether the names are the same (presence words need no translation). */
    public boolean identity() {
        return identity;
    }

    /** Names the segment has now but was not written with: no stored point has them. */
    public List<String> added() {
        List<String> out = new ArrayList<>();
        for (String n : current) {
            if (!stored.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Names the segment was written with but no longer has. */
    public List<String> dropped() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0) {
                out.add(stored.get(i));
            }
        }
        return out;
    }

    /** A stored presence word in the current bit order; bits of dropped names (and unknown bits) are cleared. */
    public long remap(long storedPresence) {
        if (identity) {
            return storedPresence;
        }
        long out = 0;
        for (int i = 0; i < target.length; i++) {
            if ((storedPresence & (1L << i)) != 0 && target[i] >= 0) {
                out |= 1L << target[i];
            }
        }
        return out;
    }

    /**
     * The vector name that owns the per-vector file {@code fileName} ({@code vectors-<hex>.bin},
     * {@code sparse-<hex>.bin}, {@code hnsw-<hex>-…}, {@code quant-<hex>-…}, {@code
     * sparse-index-<hex>-…}), or null when it is not such a file.
     */
    static String ownerOf(String fileName) {
        for (String prefix : PREFIXES) {
            if (!fileName.startsWith(prefix)) {
                continue;
            }
            String rest = fileName.substring(prefix.length());
            int end = rest.indexOf(
                    prefix.equals("vectors-") || prefix.equals("multivec-") || prefix.equals("sparse-") ? '.' : '-');
            if (end < 0 || (end % 2) != 0) {
                return null;
            }
            String hex = rest.substring(0, end);
            if (prefix.equals("vectors-") || prefix.equals("multivec-") || prefix.equals("sparse-")) {
                if (!rest.substring(end).equals(".bin")) {
                    return null;
                }
            }
            try {
                return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Deletes every per-vector file of {@code name} in {@code dir} (vectors, sparse vectors, indexes). */
    public static void deleteFilesOf(Path dir, String name) {
        deleteWhere(dir, owner -> owner.equals(name));
    }

    /** Deletes every per-vector file in {@code dir} whose vector is not in {@code names}. */
    public static void sweepOrphans(Path dir, Set<String> names) {
        deleteWhere(dir, owner -> !names.contains(owner));
    }

    private static void deleteWhere(Path dir, java.util.function.Predicate<String> doomed) {
        List<Path> gone = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String owner = ownerOf(p.getFileName().toString());
                if (owner != null && doomed.test(owner)) {
                    Files.deleteIfExists(p);
                    gone.add(p);
                }
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to delete vector files in " + dir + ": " + e.getMessage(), e);
        }
        if (!gone.isEmpty()) {
            AtomicFiles.fsyncDir(dir);
        }
    }
}
