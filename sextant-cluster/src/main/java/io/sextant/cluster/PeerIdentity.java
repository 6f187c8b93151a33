package io.sextant.cluster;

import io.sextant.collection.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * This peer's id: an unsigned 64-bit number like Qdrant's, drawn at random on first start and kept
 * in {@code <storage>/cluster/peer_id} (decimal text, written atomically) so it survives restarts.
 */
public final class PeerIdentity {

    /** File name of the id inside the cluster directory. */
    public static final String FILE = "peer_id";

    private PeerIdentity() {}

    /** Loads the id from {@code dir}, creating it on first start. */
    public static long loadOrCreate(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read peer id " + file, e);
            }
            try {
                return Long.parseUnsignedLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("Peer id file " + file + " holds '" + text + "', not a u64", e);
            }
        }
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        AtomicFiles.createDirectories(dir);
        AtomicFiles.write(file, Long.toUnsignedString(id).getBytes(StandardCharsets.UTF_8));
        return id;
    }
}
