package io.sextant.collection.backup;

import java.util.HashSet;
import java.util.Set;

/**
 * Mark and sweep over an incremental backup target: marks every blob named by any manifest that is
 * still there (all collections: blobs may be shared between them), then deletes the blobs nobody
 * names. Run after manifests were deleted, never before: a blob becomes unreferenced only once its
 * last manifest is gone, and a new backup stores its blobs before its manifest, so the sweep must
 * not overlap a backup of the same target ({@link IncrementalBackups} serializes them). A manifest
 * that cannot be read stops the sweep before anything is deleted: an incomplete mark would delete
 * blobs a kept backup needs. Stateless and thread-safe.
 */
final class BlobSweeper {
    private BlobSweeper() {}

    static IncrementalBackups.Swept sweep(BlobStore store) {
        Set<String> referenced = new HashSet<>();
        int manifests = 0;
        for (BlobStore.Entry e : store.list(IncrementalBackups.MANIFESTS)) {
            BackupManifest m = IncrementalBackups.readManifest(store, e.key()); // throws when damaged
            m.files().forEach(f -> referenced.addAll(f.chunks()));
            manifests++;
        }
        int kept = 0;
        int deleted = 0;
        long bytes = 0;
        for (BlobStore.Entry e : store.list(IncrementalBackups.BLOBS)) {
            String sha = e.key().substring(e.key().lastIndexOf('/') + 1);
            if (referenced.contains(sha)) {
                kept++;
            } else {
                store.delete(e.key());
                deleted++;
                bytes += e.size();
            }
        }
        return new IncrementalBackups.Swept(manifests, kept, deleted, bytes);
    }
}
