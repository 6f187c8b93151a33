package io.sextant.segment.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The state behind a {@link PowerCutFileSystem}: the inode tree mirroring a real directory, what
 * of it is durable, the mutation counter and the power cut. See {@link PowerCutFileSystem} for the
 * model. Thread-safe: every method that reads or changes the model runs under this object's monitor
 * (the file system's classes take it around each mutating operation).
 */
final class SimulatedDisk {
    private final Path realRoot;
    private final SimNode root;
    private final PowerCutFileSystem.CrashMode mode;
    private final SplittableRandom random;
    private long nextId;
    /** Every node ever created (to close their channels at the end). */
    private final List<SimNode> nodes = new ArrayList<>();

    private long mutations;
    private long cutAt = Long.MAX_VALUE;
    private Predicate<PowerCutFileSystem.Mutation> cutWhen = m -> false;
    private volatile String cutDescription;

    SimulatedDisk(Path realRoot, PowerCutFileSystem.CrashMode mode, long seed) throws IOException {
        this.realRoot = realRoot.toAbsolutePath().normalize();
        this.mode = mode;
        this.random = new SplittableRandom(seed);
        if (!Files.isDirectory(this.realRoot, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("Not a directory: " + this.realRoot);
        }
        this.root = scan(this.realRoot);
    }

    /** Everything already in the real directory counts as durable. */
    private SimNode scan(Path real) throws IOException {
        if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            SimNode d = newNode(true);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(real)) {
                for (Path p : s) {
                    d.live.put(p.getFileName().toString(), scan(p));
                }
            }
            d.durable = new TreeMap<>(d.live);
            return d;
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("The simulator handles files and directories only: " + real);
        }
        SimNode f = newNode(false);
        try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
            f.durableData = PageImage.of(ch);
        }
        return f;
    }

    SimNode newNode(boolean dir) {
        SimNode n = new SimNode(++nextId, dir);
        nodes.add(n);
        return n;
    }

    /** A namespace change, logged for the torn mode: applied atomically or not at all. */
    private record NsOp(long time, SimNode fromDir, String fromName, SimNode toDir, String toName, SimNode node) {}

    private final List<NsOp> nsLog = new ArrayList<>();

    /** Adds a live entry (create, mkdir, link). Caller holds this monitor, after {@link #mutate}. */
    void addEntry(SimNode dir, String name, SimNode node) {
        dir.live.put(name, node);
        nsLog.add(new NsOp(mutations, null, null, dir, name, node));
    }

    /** Removes a live entry (unlink, rmdir). Caller holds this monitor, after {@link #mutate}. */
    void removeEntry(SimNode dir, String name) {
        SimNode node = dir.live.remove(name);
        nsLog.add(new NsOp(mutations, dir, name, null, null, node));
    }

    /** Moves a live entry (rename, replacing the target). Caller holds this monitor, after {@link #mutate}. */
    void moveEntry(SimNode fromDir, String fromName, SimNode toDir, String toName) {
        SimNode node = fromDir.live.remove(fromName);
        toDir.live.put(toName, node);
        nsLog.add(new NsOp(mutations, fromDir, fromName, toDir, toName, node));
    }

    /** An fsync of directory {@code dir}: its durable entries become its live entries. */
    void syncDir(SimNode dir) {
        dir.durable = new TreeMap<>(dir.live);
        dir.lastSync = mutations;
    }

    /** Hands every real channel still open to {@code action}. Caller holds this monitor. */
    void release(java.util.function.Consumer<FileChannel> action) {
        for (SimNode n : nodes) {
            n.openChannels.forEach(action);
        }
    }

    Path realRoot() {
        return realRoot;
    }

    // ------------------------------------------------------------------ lookups

    /** Names of {@code real} below the root, or null when it is outside. */
    List<String> names(Path real) {
        Path abs = real.toAbsolutePath().normalize();
        if (!abs.startsWith(realRoot)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Path n : realRoot.relativize(abs)) {
            if (!n.toString().isEmpty()) {
                out.add(n.toString());
            }
        }
        return out;
    }

    /** The live node at {@code real}, or null when absent or outside the root. */
    synchronized SimNode lookup(Path real) {
        List<String> names = names(real);
        if (names == null) {
            return null;
        }
        SimNode n = root;
        for (String name : names) {
            if (!n.dir) {
                return null;
            }
            n = n.live.get(name);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** The live directory holding {@code real}'s entry; null when outside the root or missing. */
    synchronized SimNode parentDir(Path real) {
        List<String> names = names(real);
        if (names == null || names.isEmpty()) {
            return null;
        }
        Path abs = real.toAbsolutePath().normalize();
        SimNode p = lookup(abs.getParent());
        return p != null && p.dir ? p : null;
    }

    static String entryName(Path real) {
        return real.toAbsolutePath().normalize().getFileName().toString();
    }

    // ------------------------------------------------------------------ mutations and the cut

    /**
     * Counts a mutating operation; cuts the power (and throws) when it is the chosen one. Call
     * before performing the operation, holding this monitor.
     */
    void mutate(String kind, Path real) throws PowerCutException {
        checkAlive();
        mutations++;
        PowerCutFileSystem.Mutation m = new PowerCutFileSystem.Mutation(mutations, kind, real);
        if (mutations >= cutAt || cutWhen.test(m)) {
            cut("before mutation #" + mutations + " (" + kind + " " + real + ")");
            throw new PowerCutException("Power cut " + cutDescription);
        }
    }

    void checkAlive() throws PowerCutException {
        String c = cutDescription;
        if (c != null) {
            throw new PowerCutException("File system is dead: power cut " + c);
        }
    }

    synchronized long mutations() {
        return mutations;
    }

    synchronized void cutAt(long mutation) {
        this.cutAt = mutation;
    }

    synchronized void cutWhen(Predicate<PowerCutFileSystem.Mutation> p) {
        this.cutWhen = p;
    }

    String cutDescription() {
        return cutDescription;
    }

    /** Cuts the power now (no-op when already cut). */
    synchronized void cut(String description) {
        if (cutDescription != null) {
            return;
        }
        if (mode == PowerCutFileSystem.CrashMode.TORN) {
            try {
                tear();
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to read live content at the cut", e);
            }
        }
        cutDescription = description;
    }

    // ------------------------------------------------------------------ torn mode

    /**
     * Fixes, for every node, a random subset of its unsynced changes that reached the disk: each
     * namespace operation after the last fsync of its directories with probability 1/2 (atomically:
     * a rename moves the entry or does nothing), and each file's pages as in {@link #tornContent}.
     */
    private void tear() throws IOException {
        Map<SimNode, Path> livePaths = new HashMap<>();
        ArrayDeque<Map.Entry<SimNode, Path>> todo = new ArrayDeque<>();
        todo.add(Map.entry(root, realRoot));
        while (!todo.isEmpty()) {
            Map.Entry<SimNode, Path> e = todo.poll();
            livePaths.put(e.getKey(), e.getValue());
            if (e.getKey().dir) {
                e.getKey()
                        .live
                        .forEach((name, child) ->
                                todo.add(Map.entry(child, e.getValue().resolve(name))));
            }
        }
        for (SimNode n : nodes) {
            if (n.dir) {
                n.tornEntries = new TreeMap<>(n.durable);
            }
        }
        for (NsOp op : nsLog) {
            boolean fromPending = op.fromDir() != null && op.time() > op.fromDir().lastSync;
            boolean toPending = op.toDir() != null && op.time() > op.toDir().lastSync;
            if ((fromPending || toPending) && random.nextBoolean()) {
                if (fromPending) {
                    op.fromDir().tornEntries.remove(op.fromName(), op.node());
                }
                if (toPending) {
                    op.toDir().tornEntries.put(op.toName(), op.node());
                }
            }
        }
        for (SimNode n : nodes) {
            if (!n.dir) {
                n.tornData = tornContent(n, livePaths.get(n));
            }
        }
    }

    private PageImage tornContent(SimNode n, Path livePath) throws IOException {
        PageImage img = n.durableData.copy();
        if (!n.pending()) {
            return img;
        }
        FileChannel open =
                n.openChannels.stream().filter(FileChannel::isOpen).findFirst().orElse(null);
        if (open == null && livePath == null) {
            return img; // unlinked and closed: its unsynced pages are unreachable, so lost
        }
        try (FileChannel own = open == null ? FileChannel.open(livePath, StandardOpenOption.READ) : null) {
            FileChannel ch = open != null ? open : own;
            long liveLen = ch.size();
            BitSet candidates = (BitSet) n.dirtyPages.clone();
            if (n.mappedWritable) {
                candidates.or(PageImage.of(ch).differingPages(img));
            }
            if (n.shrunkTo < img.length() && random.nextBoolean()) {
                img.setLength(n.shrunkTo);
            }
            long lo = Math.min(img.length(), liveLen);
            long hi = Math.max(img.length(), liveLen);
            img.setLength(hi);
            for (int p = candidates.nextSetBit(0); p >= 0; p = candidates.nextSetBit(p + 1)) {
                if ((long) p * PageImage.PAGE >= liveLen || !random.nextBoolean()) {
                    continue;
                }
                byte[] page = PageImage.readPage(ch, p);
                if (random.nextInt(4) == 0) { // torn: only the first sectors of the page made it
                    byte[] old = img.page(p);
                    int keep = 512 * random.nextInt(PageImage.PAGE / 512);
                    System.arraycopy(old, keep, page, keep, PageImage.PAGE - keep);
                }
                img.putPage(p, page);
            }
            img.setLength(random.nextBoolean() ? liveLen : lo + (long) (random.nextDouble() * (hi - lo + 1)));
            return img;
        }
    }

    // ------------------------------------------------------------------ materialize

    /** Writes the surviving image into the new, empty real directory {@code fresh}. */
    synchronized void materialize(Path fresh) throws IOException {
        if (cutDescription == null) {
            cut("by materialize at mutation #" + mutations);
        }
        Files.createDirectories(fresh);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fresh)) {
            if (s.iterator().hasNext()) {
                throw new IOException("Materialize needs an empty directory: " + fresh);
            }
        }
        writeDir(root, fresh, 0);
    }

    private void writeDir(SimNode dir, Path real, int depth) throws IOException {
        if (depth > 64) {
            throw new IOException("Directory cycle at " + real);
        }
        Map<String, SimNode> entries = mode == PowerCutFileSystem.CrashMode.TORN ? dir.tornEntries : dir.durable;
        for (Map.Entry<String, SimNode> e : entries.entrySet()) {
            Path target = real.resolve(e.getKey());
            SimNode child = e.getValue();
            if (child.dir) {
                Files.createDirectory(target);
                writeDir(child, target, depth + 1);
            } else {
                (mode == PowerCutFileSystem.CrashMode.TORN ? child.tornData : child.durableData).writeTo(target);
            }
        }
    }
}
