package io.sextant.segment.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerCutFileSystemTest {
    @TempDir
    Path tmp;

    private int fresh;

    private PowerCutFileSystem fs(PowerCutFileSystem.CrashMode mode, long seed) throws IOException {
        Path real = Files.createDirectories(tmp.resolve("live" + (++fresh)));
        return PowerCutFileSystem.create(real, mode, seed);
    }

    private PowerCutFileSystem fs() throws IOException {
        return fs(PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1);
    }

    /** Cuts, materializes and returns the real directory holding the surviving image. */
    private Path crash(PowerCutFileSystem fs) throws IOException {
        Path out = tmp.resolve("after" + (++fresh));
        fs.materialize(out);
        fs.close();
        return out;
    }

    private static void write(Path file, String content, boolean fsync) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            if (fsync) {
                ch.force(true);
            }
        }
    }

    /** Writes, fsyncs the file and its directory. */
    private static void writeDurably(Path file, String content) throws IOException {
        write(file, content, true);
        AtomicFiles.fsyncDir(file.getParent());
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    @Test
    void unsyncedWriteIsLostButItsFsyncedEntryStays() throws IOException {
        PowerCutFileSystem fs = fs();
        Path f = fs.root().resolve("a");
        write(f, "hello", false);
        AtomicFiles.fsyncDir(fs.root());
        assertThat(read(f)).isEqualTo("hello"); // live content is there before the cut
        Path after = crash(fs);
        assertThat(Files.exists(after.resolve("a"))).isTrue();
        assertThat(Files.size(after.resolve("a"))).isZero();
    }

    @Test
    void forcedWriteSurvivesAndLaterUnsyncedAppendIsLost() throws IOException {
        PowerCutFileSystem fs = fs();
        Path f = fs.root().resolve("a");
        writeDurably(f, "durable");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(" and lost".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(read(f)).isEqualTo("durable and lost");
        Path after = crash(fs);
        assertThat(read(after.resolve("a"))).isEqualTo("durable");
    }

    @Test
    void fileNeverInAnFsyncedDirectoryVanishes() throws IOException {
        PowerCutFileSystem fs = fs();
        write(fs.root().resolve("a"), "data", true);
        Path after = crash(fs);
        assertThat(Files.exists(after.resolve("a"))).isFalse();
    }

    @Test
    void renameWithoutDirFsyncRevertsAndWithItSticks() throws IOException {
        for (boolean syncDir : new boolean[] {false, true}) {
            PowerCutFileSystem fs = fs();
            Path target = fs.root().resolve("manifest");
            Path tmpFile = fs.root().resolve("manifest.tmp");
            writeDurably(target, "old");
            write(tmpFile, "new", true);
            Files.move(tmpFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (syncDir) {
                AtomicFiles.fsyncDir(fs.root());
            }
            assertThat(read(target)).isEqualTo("new");
            Path after = crash(fs);
            if (syncDir) {
                assertThat(read(after.resolve("manifest"))).isEqualTo("new");
                assertThat(Files.exists(after.resolve("manifest.tmp"))).isFalse();
            } else {
                assertThat(read(after.resolve("manifest"))).isEqualTo("old");
                assertThat(Files.exists(after.resolve("manifest.tmp"))).isFalse(); // its entry was never durable
            }
        }
    }

    @Test
    void renameOfDurableFileWithoutDirFsyncKeepsTheOldName() throws IOException {
        PowerCutFileSystem fs = fs();
        writeDurably(fs.root().resolve("a"), "x");
        Files.move(fs.root().resolve("a"), fs.root().resolve("b"));
        Path after = crash(fs);
        assertThat(read(after.resolve("a"))).isEqualTo("x");
        assertThat(Files.exists(after.resolve("b"))).isFalse();
    }

    @Test
    void deleteWithoutDirFsyncComesBackAndWithItIsGone() throws IOException {
        for (boolean syncDir : new boolean[] {false, true}) {
            PowerCutFileSystem fs = fs();
            Path f = fs.root().resolve("wal-1");
            writeDurably(f, "records");
            Files.delete(f);
            if (syncDir) {
                AtomicFiles.fsyncDir(fs.root());
            }
            assertThat(Files.exists(f)).isFalse();
            Path after = crash(fs);
            assertThat(Files.exists(after.resolve("wal-1"))).isEqualTo(!syncDir);
            if (!syncDir) {
                assertThat(read(after.resolve("wal-1"))).isEqualTo("records");
            }
        }
    }

    @Test
    void mkdirWithoutParentFsyncVanishesWithItStays() throws IOException {
        for (boolean syncParent : new boolean[] {false, true}) {
            PowerCutFileSystem fs = fs();
            Path d = Files.createDirectories(fs.root().resolve("x").resolve("y"));
            write(d.resolve("f"), "in y", true);
            AtomicFiles.fsyncDir(d);
            AtomicFiles.fsyncDir(d.getParent()); // "y" is durable in "x" ...
            if (syncParent) {
                AtomicFiles.fsyncDir(fs.root()); // ... and "x" in the root only now
            }
            Path after = crash(fs);
            assertThat(Files.exists(after.resolve("x"))).isEqualTo(syncParent);
            if (syncParent) {
                assertThat(read(after.resolve("x/y/f"))).isEqualTo("in y");
            }
        }
    }

    @Test
    void truncateBecomesDurableAtTheNextFsync() throws IOException {
        byte[] big = new byte[3 * PageImage.PAGE + 10];
        Arrays.fill(big, (byte) 7);
        for (boolean fsync : new boolean[] {false, true}) {
            PowerCutFileSystem fs = fs();
            Path f = fs.root().resolve("f");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(big));
                ch.force(true);
                ch.truncate(100);
                ch.write(ByteBuffer.wrap(new byte[] {1, 2}), 100); // grows again: bytes past 102 must be gone
                if (fsync) {
                    ch.force(false);
                }
            }
            AtomicFiles.fsyncDir(fs.root());
            Path after = crash(fs);
            byte[] got = Files.readAllBytes(after.resolve("f"));
            if (fsync) {
                byte[] want = Arrays.copyOf(big, 102);
                want[100] = 1;
                want[101] = 2;
                assertThat(got).isEqualTo(want);
            } else {
                assertThat(got).isEqualTo(big);
            }
        }
    }

    @Test
    void mappedWritesBecomeDurableAtTheChannelForceOnly() throws IOException {
        PowerCutFileSystem fs = fs();
        Path f = fs.root().resolve("vectors");
        try (FileChannel ch =
                FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 3 * PageImage.PAGE, Arena.ofAuto());
            m.set(ValueLayout.JAVA_INT, 0, 11);
            m.set(ValueLayout.JAVA_INT, 2 * PageImage.PAGE, 22);
            ch.force(true);
            m.set(ValueLayout.JAVA_INT, 4, 33); // msync only: invisible to the simulator
            m.force();
            AtomicFiles.fsyncDir(fs.root());
        }
        Path after = crash(fs);
        ByteBuffer got =
                ByteBuffer.wrap(Files.readAllBytes(after.resolve("vectors"))).order(java.nio.ByteOrder.nativeOrder());
        assertThat(got.capacity()).isEqualTo(3 * PageImage.PAGE);
        assertThat(got.getInt(0)).isEqualTo(11);
        assertThat(got.getInt(4)).isZero();
        assertThat(got.getInt(2 * PageImage.PAGE)).isEqualTo(22);
    }

    @Test
    void cutFreezesEveryLaterOperation() throws IOException {
        PowerCutFileSystem fs = fs();
        Path f = fs.root().resolve("a");
        writeDurably(f, "before");
        long done = fs.mutations();
        fs.cutAtMutation(done + 2);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))); // mutation done + 1
            assertThatThrownBy(() -> ch.force(true)).isInstanceOf(PowerCutException.class);
            assertThat(fs.isCut()).isTrue();
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1))).isInstanceOf(PowerCutException.class);
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1), 0)).isInstanceOf(PowerCutException.class);
            assertThatThrownBy(ch::size).isInstanceOf(PowerCutException.class);
        }
        assertThatThrownBy(() -> Files.readAllBytes(f)).isInstanceOf(PowerCutException.class);
        assertThatThrownBy(() -> Files.delete(f)).isInstanceOf(PowerCutException.class);
        assertThatThrownBy(() -> Files.createDirectory(fs.root().resolve("d"))).isInstanceOf(PowerCutException.class);
        assertThatThrownBy(() -> AtomicFiles.write(f, ByteBuffer.allocate(3)))
                .isInstanceOf(ServiceException.class)
                .hasCauseInstanceOf(PowerCutException.class);
        assertThat(fs.mutations()).isEqualTo(done + 2);
        assertThat(fs.cutDescription()).contains("#" + (done + 2)).contains("fsync");
        Path after = crash(fs);
        assertThat(read(after.resolve("a"))).isEqualTo("before");
    }

    @Test
    void cutWhenPicksAMutationByKind() throws IOException {
        PowerCutFileSystem fs = fs();
        fs.cutWhen(m -> m.kind().equals("rename"));
        writeDurably(fs.root().resolve("t"), "old");
        assertThatThrownBy(() -> AtomicFiles.write(fs.root().resolve("t"), ByteBuffer.wrap(new byte[] {'n'})))
                .hasCauseInstanceOf(PowerCutException.class);
        assertThat(fs.cutDescription()).contains("rename").contains("t.tmp");
        Path after = crash(fs);
        assertThat(read(after.resolve("t"))).isEqualTo("old");
    }

    /** AtomicFiles.write, cut at every one of its mutations: the target is always old or new, never a mix. */
    @Test
    void atomicWriteCutAtEveryMutationLeavesOldOrNew() throws IOException {
        byte[] newer = new byte[PageImage.PAGE * 2 + 100];
        Arrays.fill(newer, (byte) 'n');
        for (PowerCutFileSystem.CrashMode mode : PowerCutFileSystem.CrashMode.values()) {
            int sawNew = 0;
            int sawOld = 0;
            for (long cut = 1; ; cut++) {
                PowerCutFileSystem fs = fs(mode, cut);
                Path t = fs.root().resolve("t");
                writeDurably(t, "old");
                fs.cutAtMutation(fs.mutations() + cut);
                boolean finished;
                try {
                    AtomicFiles.write(t, ByteBuffer.wrap(newer));
                    finished = true;
                } catch (ServiceException e) {
                    assertThat(e).hasCauseInstanceOf(PowerCutException.class);
                    finished = false;
                }
                Path after = crash(fs);
                byte[] got = Files.readAllBytes(after.resolve("t"));
                if (Arrays.equals(got, newer)) {
                    sawNew++;
                } else {
                    assertThat(new String(got, StandardCharsets.UTF_8))
                            .as("%s cut %d", mode, cut)
                            .isEqualTo("old");
                    sawOld++;
                }
                if (finished) {
                    assertThat(got).as("%s: completed write must survive", mode).isEqualTo(newer);
                    break;
                }
            }
            assertThat(sawOld).as(mode.name()).isGreaterThanOrEqualTo(4); // create, write, fsync, rename
            assertThat(sawNew).as(mode.name()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void tornModeKeepsARandomSubsetOfUnsyncedPages() throws IOException {
        int pages = 16;
        byte[] newer = new byte[pages * PageImage.PAGE];
        Arrays.fill(newer, (byte) 'n');
        int someButNotAll = 0;
        int torn = 0;
        int none = 0;
        for (long seed = 0; seed < 40; seed++) {
            PowerCutFileSystem fs = fs(PowerCutFileSystem.CrashMode.TORN, seed);
            Path f = fs.root().resolve("f");
            byte[] old = new byte[pages * PageImage.PAGE];
            Arrays.fill(old, (byte) 'o');
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(old));
                ch.force(true);
                ch.write(ByteBuffer.wrap(newer), 0);
            }
            AtomicFiles.fsyncDir(fs.root());
            Path after = crash(fs);
            byte[] got = Files.readAllBytes(after.resolve("f"));
            assertThat(got.length).as("seed %d", seed).isEqualTo(old.length);
            int fresh = 0;
            for (int p = 0; p < pages; p++) {
                byte[] page = Arrays.copyOfRange(got, p * PageImage.PAGE, (p + 1) * PageImage.PAGE);
                int firstOld = 0;
                while (firstOld < page.length && page[firstOld] == 'n') {
                    firstOld++;
                }
                for (int i = firstOld; i < page.length; i++) {
                    assertThat(page[i])
                            .as("seed %d page %d byte %d", seed, p, i)
                            .isEqualTo((byte) 'o');
                }
                assertThat(firstOld % 512).as("tears at sector boundaries").isZero();
                if (firstOld == PageImage.PAGE) {
                    fresh++;
                } else if (firstOld > 0) {
                    torn++;
                }
            }
            if (fresh > 0 && fresh < pages) {
                someButNotAll++;
            }
            if (fresh == 0) {
                none++;
            }
        }
        assertThat(someButNotAll).isGreaterThan(20);
        assertThat(torn).isGreaterThan(0);
        assertThat(none).isLessThan(40);
    }

    @Test
    void tornModeMayPersistAnUnsyncedRenameOrNot() throws IOException {
        int persisted = 0;
        int reverted = 0;
        for (long seed = 0; seed < 30; seed++) {
            PowerCutFileSystem fs = fs(PowerCutFileSystem.CrashMode.TORN, seed);
            writeDurably(fs.root().resolve("a"), "x");
            Files.move(fs.root().resolve("a"), fs.root().resolve("b"));
            Path after = crash(fs);
            boolean a = Files.exists(after.resolve("a"));
            boolean b = Files.exists(after.resolve("b"));
            assertThat(a ^ b)
                    .as("seed %d: a rename is atomic: the file has one of its names", seed)
                    .isTrue();
            if (b) {
                assertThat(read(after.resolve("b"))).isEqualTo("x");
                persisted++;
            }
            if (a && !b) {
                reverted++;
            }
        }
        assertThat(persisted).isPositive();
        assertThat(reverted).isPositive();
    }

    @Test
    void streamsWalkListCopyAndLinksWorkThroughTheSimulator() throws IOException {
        PowerCutFileSystem fs = fs();
        Path d = Files.createDirectories(fs.root().resolve("a/b"));
        try (OutputStream out = Files.newOutputStream(d.resolve("s"))) {
            out.write("streamed".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = Files.newInputStream(d.resolve("s"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("streamed");
        }
        Files.copy(d.resolve("s"), d.resolve("c"));
        Files.createLink(d.resolve("l"), d.resolve("s"));
        try (Stream<Path> w = Files.walk(fs.root())) {
            List<Path> all = w.toList();
            assertThat(all).allMatch(p -> p.getFileSystem() == fs);
            assertThat(all.stream().map(p -> fs.root().relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "a", "a/b", "a/b/s", "a/b/c", "a/b/l");
        }
        try (Stream<Path> l = Files.list(d)) {
            assertThat(l.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("s", "c", "l");
        }
        assertThat(Files.size(d.resolve("c"))).isEqualTo(8);
        assertThat(Files.isSameFile(d.resolve("l"), d.resolve("s"))).isTrue();
        assertThatThrownBy(() -> d.toFile()).isInstanceOf(UnsupportedOperationException.class);
        for (Path p : List.of(d.resolve("s"), d.resolve("c"), d.resolve("l"))) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        AtomicFiles.fsyncDir(d);
        AtomicFiles.fsyncDir(d.getParent());
        AtomicFiles.fsyncDir(fs.root());
        Path after = crash(fs);
        assertThat(read(after.resolve("a/b/s"))).isEqualTo("streamed");
        assertThat(read(after.resolve("a/b/c"))).isEqualTo("streamed");
        assertThat(read(after.resolve("a/b/l"))).isEqualTo("streamed");
    }

    @Test
    void reopenedImageIsDurableFromTheStart() throws IOException {
        PowerCutFileSystem fs = fs();
        writeDurably(fs.root().resolve("a"), "kept");
        Path after = crash(fs);
        PowerCutFileSystem again = PowerCutFileSystem.create(after, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 2);
        assertThat(read(again.root().resolve("a"))).isEqualTo("kept");
        Files.delete(again.root().resolve("a")); // not fsynced: comes back
        Path after2 = tmp.resolve("after-again");
        again.materialize(after2);
        again.close();
        assertThat(read(after2.resolve("a"))).isEqualTo("kept");
    }

    @Test
    void writesOutsideTheRootAreRefused() throws IOException {
        PowerCutFileSystem fs = fs();
        Path outside = fs.root().getParent().resolve("elsewhere");
        assertThatThrownBy(() -> Files.createDirectory(outside))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("outside the simulated root");
        assertThat(Files.exists(tmp.resolve("elsewhere"))).isFalse();
        fs.close();
    }
}
