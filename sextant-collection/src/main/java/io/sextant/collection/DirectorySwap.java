package io.sextant.collection;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-atomic replacement of a directory under the storage directory (a collection, or one shard
 * of it) by a prepared, already fsynced directory. A crash at any point leaves, after {@link
 * #recoverAll}, either the old or the new directory complete at the target, never neither.
 *
 * <p><b>Layout.</b> Each swap has its own intent directory {@code <storage>/.swap/<id>/}:
 *
 * <pre>
 * target     UTF-8 text: the target path relative to the storage directory, e.g.
 *            "collections/c" or "collections/c/shards/0"; written (temp, fsync, rename,
 *            fsync) before anything moves, deleted first when the swap is finished
 * new/       the prepared directory, while it waits to be moved in
 * old/       the replaced directory, while the swap runs
 * rejected/  a swapped-in directory being taken out again (it failed to open)
 * </pre>
 *
 * <p><b>Protocol.</b> Every step is made durable (the directories whose entries it changed are
 * fsynced) before the next one starts:
 *
 * <ol>
 *   <li>{@link #begin}: write {@code target}; rename the prepared directory to {@code new};
 *   <li>rename the target (when it exists) to {@code old};
 *   <li>rename {@code new} to the target;
 *   <li>{@link #commit} (the caller opened the new directory): delete {@code target}, then the rest;
 *       or {@link #abort}: rename the target to {@code rejected}, {@code old} back to the target,
 *       delete the intent directory.
 * </ol>
 *
 * <p><b>Recovery</b> ({@link #recoverAll}, on open, before anything reads the targets), per intent
 * directory: without a {@code target} file the swap had not started or had finished: delete it.
 * Otherwise delete {@code rejected}; if {@code new} is there, move it in when the target is
 * missing (crash between steps 2 and 3: roll forward), else delete it (crash before step 2: roll
 * back); if {@code old} is there, move it back when the target is missing (crash in an abort),
 * else delete it (crash after step 3). Then delete the intent directory. Each rule is idempotent,
 * so a crash during recovery is recovered the same way.
 *
 * <p>Not thread-safe: callers serialize swaps and recovery (the {@link TableOfContents} lock).
 */
final class DirectorySwap {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySwap.class);
    static final String SWAP_DIR = ".swap";
    private static final String TARGET = "target";
    private static final String NEW = "new";
    private static final String OLD = "old";
    private static final String REJECTED = "rejected";

    /** The steps, for crash-injection tests ({@link TableOfContents#swapHook}). */
    enum Step {
        INTENT_WRITTEN,
        NEW_STAGED,
        OLD_MOVED_ASIDE,
        NEW_MOVED_IN,
        REJECTED_MOVED_OUT,
        OLD_MOVED_BACK
    }

    /** Called after each durable step; tests throw from it to simulate a crash there. */
    interface Hook {
        void after(Step step);
    }

    private final Path storage;
    private final Path intent;
    private final Path target;
    private final Hook hook;
    private boolean hadOld;
    private boolean movedIn;

    private DirectorySwap(Path storage, Path intent, Path target, Hook hook) {
        this.storage = storage;
        this.intent = intent;
        this.target = target;
        this.hook = hook;
    }

    /**
     * Steps 1 to 3: {@code prepared} (fsynced by the caller) replaces {@code target}. On an I/O
     * error the old directory is put back before the exception is thrown.
     */
    static DirectorySwap begin(Path storage, Path target, Path prepared, Hook hook) {
        Path intent = storage.resolve(SWAP_DIR).resolve("swap-" + System.nanoTime());
        DirectorySwap s = new DirectorySwap(storage, intent, target, hook);
        try {
            s.run(prepared);
            return s;
        } catch (IOException | RuntimeException e) {
            try {
                s.rollBack();
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new ServiceException("Failed to move " + prepared + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private void run(Path prepared) throws IOException {
        Files.createDirectories(intent);
        AtomicFiles.fsyncDir(intent.getParent());
        AtomicFiles.fsyncDir(storage);
        AtomicFiles.write(
                intent.resolve(TARGET),
                storage.toAbsolutePath()
                        .normalize()
                        .relativize(target.toAbsolutePath().normalize())
                        .toString()
                        .getBytes(StandardCharsets.UTF_8));
        hook.after(Step.INTENT_WRITTEN);
        Files.move(prepared, intent.resolve(NEW), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDir(intent);
        AtomicFiles.fsyncDir(prepared.getParent());
        hook.after(Step.NEW_STAGED);
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            Files.move(target, intent.resolve(OLD), StandardCopyOption.ATOMIC_MOVE);
            hadOld = true;
            AtomicFiles.fsyncDir(target.getParent());
            AtomicFiles.fsyncDir(intent);
            hook.after(Step.OLD_MOVED_ASIDE);
        }
        Files.move(intent.resolve(NEW), target, StandardCopyOption.ATOMIC_MOVE);
        movedIn = true;
        AtomicFiles.fsyncDir(target.getParent());
        AtomicFiles.fsyncDir(intent);
        hook.after(Step.NEW_MOVED_IN);
    }

    /** Undoes a {@link #run} that failed part-way (an I/O error, not a crash). */
    private void rollBack() throws IOException {
        if (movedIn && Files.exists(target)) {
            Files.move(target, intent.resolve(REJECTED), StandardCopyOption.ATOMIC_MOVE);
        }
        if (hadOld && !Files.exists(target) && Files.isDirectory(intent.resolve(OLD))) {
            Files.move(intent.resolve(OLD), target, StandardCopyOption.ATOMIC_MOVE);
        }
        AtomicFiles.fsyncDir(target.getParent());
        Files.deleteIfExists(intent.resolve(TARGET));
        AtomicFiles.deleteTree(intent);
    }

    /** Step 4: the new directory stays; the old one is deleted. */
    void commit() {
        try {
            Files.deleteIfExists(intent.resolve(TARGET));
            AtomicFiles.fsyncDir(intent);
        } catch (IOException e) {
            throw new ServiceException("Failed to finish replacing " + target + ": " + e.getMessage(), e);
        }
        AtomicFiles.deleteTree(intent);
    }

    /** Step 4 undone: the new directory is removed and the old one (if any) put back. */
    void abort() {
        try {
            Files.move(target, intent.resolve(REJECTED), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDir(target.getParent());
            AtomicFiles.fsyncDir(intent);
            hook.after(Step.REJECTED_MOVED_OUT);
            if (hadOld) {
                Files.move(intent.resolve(OLD), target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDir(target.getParent());
                AtomicFiles.fsyncDir(intent);
                hook.after(Step.OLD_MOVED_BACK);
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to put back " + target + ": " + e.getMessage(), e);
        }
        recover(storage, intent);
    }

    /** Finishes or rolls back every swap a crash interrupted (see the class comment). */
    static void recoverAll(Path storage) {
        Path swaps = storage.resolve(SWAP_DIR);
        if (!Files.isDirectory(swaps)) {
            return;
        }
        List<Path> intents;
        try (Stream<Path> s = Files.list(swaps)) {
            intents = s.sorted().toList();
        } catch (IOException e) {
            throw new ServiceException("Failed to list " + swaps + ": " + e.getMessage(), e);
        }
        for (Path intent : intents) {
            recover(storage, intent);
        }
    }

    private static void recover(Path storage, Path intent) {
        try {
            Path targetFile = intent.resolve(TARGET);
            if (Files.isRegularFile(targetFile)) {
                Path target = resolveTarget(storage, intent, Files.readString(targetFile, StandardCharsets.UTF_8));
                AtomicFiles.deleteTree(intent.resolve(REJECTED));
                Path fresh = intent.resolve(NEW);
                if (Files.isDirectory(fresh)) {
                    if (!Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
                        AtomicFiles.fsyncDir(target.getParent());
                        LOG.warn("Recovered an interrupted swap: moved the new {} in", target);
                    } else {
                        AtomicFiles.deleteTree(fresh);
                    }
                }
                Path old = intent.resolve(OLD);
                if (Files.isDirectory(old)) {
                    if (!Files.exists(target)) {
                        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                        AtomicFiles.fsyncDir(target.getParent());
                        LOG.warn("Recovered an interrupted swap: put the old {} back", target);
                    } else {
                        AtomicFiles.deleteTree(old);
                    }
                }
                Files.deleteIfExists(targetFile);
                AtomicFiles.fsyncDir(intent);
            }
            AtomicFiles.deleteTree(intent);
            AtomicFiles.fsyncDir(intent.getParent());
        } catch (IOException e) {
            throw new ServiceException("Failed to recover the interrupted swap " + intent + ": " + e.getMessage(), e);
        }
    }

    private static Path resolveTarget(Path storage, Path intent, String relative) {
        Path root = storage.toAbsolutePath().normalize();
        Path t = root.resolve(relative.trim()).normalize();
        if (!t.startsWith(root) || t.equals(root) || t.startsWith(root.resolve(SWAP_DIR))) {
            throw new ServiceException(
                    "Interrupted swap " + intent + " names a target outside the storage: " + relative);
        }
        return t;
    }
}
