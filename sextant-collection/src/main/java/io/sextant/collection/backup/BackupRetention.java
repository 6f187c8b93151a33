package io.sextant.collection.backup;

import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotNames;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rotation: which backups of one scope to delete so that at most {@code keepLast} remain and none
 * is older than {@code maxAge}. The newest backup is never deleted, whatever its age, so a node
 * that stopped backing up keeps its last good copy. Stateless and thread-safe.
 */
public final class BackupRetention {
    private BackupRetention() {}

    public static List<SnapshotDescription> toDelete(
            List<SnapshotDescription> backups, int keepLast, Duration maxAge, Instant now) {
        List<SnapshotDescription> sorted = new ArrayList<>(backups);
        sorted.sort(Comparator.comparing(BackupRetention::created).reversed()); // newest first
        List<SnapshotDescription> out = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
            SnapshotDescription d = sorted.get(i);
            boolean tooMany = keepLast > 0 && i >= keepLast;
            boolean tooOld = maxAge != null && created(d).isBefore(now.minus(maxAge));
            if (tooMany || tooOld) {
                out.add(d);
            }
        }
        return out;
    }

    static Instant created(SnapshotDescription d) {
        String t = d.creationTime();
        if (t == null) {
            t = SnapshotNames.timeOf(d.name());
        }
        return t == null ? Instant.EPOCH : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    }
}
