package io.sextant.collection.snapshot;

import io.sextant.collection.AtomicFiles;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Snapshots in a local directory (Qdrant's {@code storage.snapshots_path}):
 *
 * <pre>
 * &lt;root&gt;/&lt;collection&gt;/&lt;name&gt;.snapshot            collection snapshots
 * &lt;root&gt;/&lt;collection&gt;/shards/&lt;n&gt;/&lt;name&gt;.snapshot  shard snapshots
 * &lt;root&gt;/&lt;name&gt;.snapshot                          full snapshots
 * &lt;root&gt;/&lt;...&gt;/&lt;name&gt;.snapshot.checksum            SHA-256 hex sidecar
 * &lt;root&gt;/tmp/                                      staging (see {@link SnapshotService})
 * </pre>
 *
 * A snapshot is renamed into place only when complete (its sidecar is written first, so a listed
 * snapshot always has its checksum). Thread-safe (the file system arbitrates).
 */
public final class LocalSnapshotStore implements SnapshotStore {
    private final Path root;

    public LocalSnapshotStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The path a snapshot has (or would have) in this store. */
    public Path path(String scope, String name) {
        SnapshotNames.validate(name);
        return dir(scope).resolve(name);
    }

    private Path dir(String scope) {
        Path d = scope.isEmpty() ? root : root.resolve(scope).normalize();
        if (!d.startsWith(root)) {
            throw UserException.badRequest("Wrong input: invalid snapshot scope " + scope);
        }
        return d;
    }

    @Override
    public List<SnapshotDescription> list(String scope) {
        Path d = dir(scope);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<SnapshotDescription> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String n = p.getFileName().toString();
                if (SnapshotNames.isSnapshot(n)) {
                    describe(scope, n).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to list snapshots in " + d + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((SnapshotDescription x) -> x.creationTime() == null ? "" : x.creationTime())
                .thenComparing(SnapshotDescription::name));
        return out;
    }

    @Override
    public Optional<SnapshotDescription> describe(String scope, String name) {
        Path p = path(scope, name);
        try {
            long size = Files.size(p);
            String time = SnapshotNames.timeOf(name);
            if (time == null) {
                time = LocalDateTime.ofInstant(Files.getLastModifiedTime(p).toInstant(), ZoneOffset.UTC)
                        .format(SnapshotNames.CREATION_TIME);
            }
            return Optional.of(new SnapshotDescription(name, time, size, readChecksum(p)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ServiceException("Failed to read snapshot " + p + ": " + e.getMessage(), e);
        }
    }

    /** The sidecar checksum of a snapshot file, or null. */
    public static String readChecksum(Path snapshot) {
        Path side = snapshot.resolveSibling(snapshot.getFileName() + SnapshotNames.CHECKSUM_SUFFIX);
        try {
            String s = Files.readString(side, StandardCharsets.US_ASCII).trim();
            int sp = s.indexOf(' ');
            return sp > 0 ? s.substring(0, sp) : s;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ServiceException("Failed to read checksum " + side + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SnapshotDescription put(String scope, String name, Path finishedFile, String sha256) {
        Path target = path(scope, name);
        try {
            AtomicFiles.createDirectories(target.getParent());
            AtomicFiles.write(
                    target.resolveSibling(name + SnapshotNames.CHECKSUM_SUFFIX),
                    sha256.getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(finishedFile, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Path tmp = target.resolveSibling(name + ".partial");
                Files.copy(finishedFile, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(finishedFile);
            }
            // every directory from the snapshot's up to the store root's parent: the root may have
            // been created earlier without an fsync (staging shares it), and an acknowledged
            // snapshot must survive a power cut
            for (Path d = target.getParent(); d != null && d.startsWith(root.getParent()); d = d.getParent()) {
                AtomicFiles.fsyncDir(d);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to store snapshot " + target + ": " + e.getMessage(), e);
        }
        return describe(scope, name)
                .orElseThrow(() -> new ServiceException("Snapshot " + target + " vanished after being stored"));
    }

    @Override
    public InputStream open(String scope, String name) {
        Path p = path(scope, name);
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw notFound(name);
        } catch (IOException e) {
            throw new ServiceException("Failed to open snapshot " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path localCopy(String scope, String name, Path scratch) {
        Path p = path(scope, name);
        if (!Files.isRegularFile(p)) {
            throw notFound(name);
        }
        return p;
    }

    @Override
    public boolean delete(String scope, String name) {
        Path p = path(scope, name);
        try {
            Files.deleteIfExists(p.resolveSibling(name + SnapshotNames.CHECKSUM_SUFFIX));
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new ServiceException("Failed to delete snapshot " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return "local:" + root;
    }

    static UserException notFound(String name) {
        return UserException.notFound("Not found: Snapshot " + name + " not found");
    }
}
