package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * A collection whose directory exists but failed to open at start-up (corrupt or missing files):
 * it serves no requests, is reported red ({@link #info()}), and can be deleted or replaced by a
 * snapshot recovery. Immutable.
 *
 * @param name the collection name (its directory name)
 * @param dir its directory, left untouched for the operator
 * @param error why it failed to open
 * @param config its config when {@code config.json} could still be read, else null
 */
public record FailedCollection(String name, Path dir, String error, CollectionConfig config) {

    /** Qdrant's collection info shape: status red, the error as the optimizer status, no counts. */
    public CollectionInfo info() {
        return new CollectionInfo("red", "Collection failed to load: " + error, 0, 0, 0, config, Map.of());
    }
}
