package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Group-commit syncs racing with file rolls while forces fail: what a sync acknowledged is never
 * lost, neither at a clean close nor at a power cut ({@link FaultyChannel.Faults#crash}).
 */
class WalConcurrencyTest {
    @TempDir
    Path tmp;

    private static final long TIMEOUT_SECONDS = 30;

    private static Map<Long, byte[]> replayAll(Path dir) {
        Map<Long, byte[]> out = new TreeMap<>();
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            wal.replay(1, out::put);
        }
        return out;
    }

    private static List<Path> quarantined(Path dir) throws IOException {
        Path q = dir.resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(q)) {
            return s.toList();
        }
    }

    /** Forces fail at random and pause at random, to widen the windows in which threads race. */
    private static FaultyChannel.ForceHook randomForces(long seed, int failOneIn) {
        SplittableRandom shared = new SplittableRandom(seed);
        return (file, nth) -> {
            int dice;
            long pause;
            synchronized (shared) {
                dice = shared.nextInt(failOneIn);
                pause = shared.nextInt(4) == 0 ? shared.nextLong(300_000) : 0;
            }
            if (pause > 0) {
                LockSupport.parkNanos(pause);
            }
            return dice == 0;
        };
    }

    /**
     * Six threads append and sync while about one force in six fails and files roll every few
     * records. Afterwards (a clean close, or a power cut that drops every unforced byte) the log
     * reopens to consecutive records from seq 1, each with the bytes appended under its seq, and
     * holding every record a sync acknowledged; after a clean close it holds every record appended.
     * {@code -Dsextant.test.seed} replays a seed, {@code -Dsextant.test.walRounds} runs longer.
     */
    @ParameterizedTest(name = "powerCut={0}")
    @ValueSource(booleans = {false, true})
    void syncsRollsAndFailingForcesNeverLoseAnAcknowledgedRecord(boolean powerCut) throws Exception {
        long seed = Long.getLong("sextant.test.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        int rounds = Integer.getInteger("sextant.test.walRounds", 5); // more on demand
        for (int round = 0; round < rounds; round++) {
            Path dir = tmp.resolve("round-" + round);
            long roundSeed = rnd.nextLong();
            String what = "seed " + seed + " round " + round + (powerCut ? " (power cut)" : " (clean close)");
            runRound(dir, roundSeed, 256 + rnd.nextInt(768), powerCut, what);
        }
    }

    private static void runRound(Path dir, long seed, int capacity, boolean powerCut, String what) throws Exception {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        faults.simulatedForce = true; // fast: the power cut below drops what the bookkeeping says
        Map<Long, byte[]> appended = new ConcurrentHashMap<>();
        NavigableSet<Long> acknowledged = new ConcurrentSkipListSet<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        Wal wal = Wal.open(dir, capacity, 1, faults.opener());
        faults.forceHook = randomForces(seed, 6);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            SplittableRandom tr = new SplittableRandom(seed + t);
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 120; i++) {
                        byte[] payload = ("t" + thread + "-i" + i + "-" + "z".repeat(tr.nextInt(120)))
                                .getBytes(StandardCharsets.UTF_8);
                        try {
                            long seq = wal.append(payload);
                            appended.put(seq, payload);
                            mine.add(seq);
                        } catch (ServiceException e) {
                            // a failed roll: nothing appended
                        }
                        if (!mine.isEmpty() && tr.nextInt(3) > 0) {
                            try {
                                wal.sync(mine.getLast());
                                acknowledged.addAll(mine);
                                mine.clear();
                            } catch (ServiceException e) {
                                // not acknowledged; a later sync may still make them durable
                            }
                        }
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            assertThat(th.isAlive()).as("%s: a writer hangs", what).isFalse();
        }
        assertThat(unexpected.get()).as(what).isNull();
        assertThat(acknowledged).as("%s: some syncs succeeded", what).isNotEmpty();
        if (powerCut) {
            faults.crash();
        } else {
            faults.forceHook = null;
            wal.close();
        }
        Map<Long, byte[]> back = replayAll(dir);
        assertThat(back.keySet()).as("%s: acknowledged records", what).containsAll(acknowledged);
        long expect = 1;
        for (Map.Entry<Long, byte[]> e : back.entrySet()) {
            assertThat(e.getKey()).as("%s: consecutive seqs", what).isEqualTo(expect++);
            assertThat(e.getValue()).as("%s: bytes of seq %d", what, e.getKey()).isEqualTo(appended.get(e.getKey()));
        }
        if (!powerCut) {
            assertThat(back.keySet())
                    .as("%s: a clean close keeps every appended record", what)
                    .containsExactlyInAnyOrderElementsOf(appended.keySet());
        }
        assertThat(quarantined(dir)).as("%s: nothing looked corrupt", what).isEmpty();
        // the reopened log continues after what it recovered, and that too survives
        long next;
        try (Wal wal2 = Wal.open(dir, capacity, 1)) {
            next = wal2.append(new byte[] {42});
            wal2.sync(next);
        }
        assertThat(next).as(what).isEqualTo(back.size() + 1L);
        assertThat(replayAll(dir)).as(what).hasSize(back.size() + 1).containsKey(next);
    }

    /** Runs {@code body} in a new thread; the returned reference holds its error, if any. */
    private static Thread start(Runnable body, AtomicReference<Throwable> error) {
        return Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                error.set(e);
            }
        });
    }

    /** Waits until {@code t} has finished or is parked waiting for a lock. */
    private static void awaitDoneOrBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (t.isAlive()) {
            Thread.State st = t.getState();
            if (st == Thread.State.WAITING || st == Thread.State.BLOCKED || System.nanoTime() > deadline) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /**
     * A force hook on one file: its force number {@code failAt} fails; its force number {@code
     * pauseAt} (after succeeding or failing) signals {@link #reached} and waits for {@link #release}.
     */
    private static final class PausedForce implements FaultyChannel.ForceHook {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final Path file;
        private final int failAt;
        private final int pauseAt;

        PausedForce(Path file, int failAt, int pauseAt) {
            this.file = file;
            this.failAt = failAt;
            this.pauseAt = pauseAt;
        }

        @Override
        public boolean beforeForce(Path f, int nth) {
            return f.equals(file) && nth == failAt;
        }

        @Override
        public void afterForce(Path f, int nth, boolean failed) {
            if (f.equals(file) && nth == pauseAt) {
                reached.countDown();
                await(release);
            }
        }

        /** Starts {@code sync(1)} in a thread and returns it once the sync's force has paused. */
        Thread startSyncAndPause(Wal wal, AtomicReference<Throwable> error) throws InterruptedException {
            Thread syncer = start(() -> wal.sync(1), error);
            assertThat(reached.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            return syncer;
        }
    }

    /**
     * Interleaving (a): a sync's force of file 1 succeeds, then a roll's force of the same file
     * fails before the sync publishes. The sync's acknowledgement must hold: the repair may not
     * cut off the records it covered, and the next records may not follow a gap.
     */
    @Test
    void rollForceFailingAfterASyncForceSucceededKeepsTheAcknowledgedRecords() throws Exception {
        Path dir = tmp.resolve("a");
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        // forces of file 1: #1 its header at creation, #2 the sync (pauses), #3 the roll (fails)
        PausedForce hook = new PausedForce(Wal.file(dir, 1), 3, 2);
        faults.forceHook = hook;
        byte[] r1 = new byte[100];
        byte[] r3 = "after".getBytes(StandardCharsets.UTF_8);
        AtomicReference<Throwable> syncError = new AtomicReference<>();
        AtomicReference<Throwable> rollError = new AtomicReference<>();
        try (Wal wal = Wal.open(dir, 256, 1, faults.opener())) {
            assertThat(wal.append(r1)).isEqualTo(1);
            Thread syncer = hook.startSyncAndPause(wal, syncError);
            Thread roller = start(() -> wal.append(new byte[200]), rollError); // does not fit: rolls
            awaitDoneOrBlocked(roller);
            hook.release.countDown();
            syncer.join();
            roller.join();
            assertThat(syncError.get())
                    .as("the sync's force succeeded: acknowledged")
                    .isNull();
            assertThat(rollError.get()).as("the roll's force failed").isInstanceOf(ServiceException.class);
            long seq = wal.append(r3);
            assertThat(seq).isEqualTo(2);
            wal.sync(seq);
        }
        Map<Long, byte[]> back = replayAll(dir);
        assertThat(back.keySet()).containsExactly(1L, 2L);
        assertThat(back.get(1L)).isEqualTo(r1);
        assertThat(back.get(2L)).isEqualTo(r3);
    }

    /**
     * Interleaving (b): a sync's force fails (the kernel drops the dirty pages) and, before the
     * sync repairs, a roll forces the same file "successfully". The roll may not publish the
     * dropped records as durable: a sync that returns must mean the bytes are on disk.
     */
    @Test
    void syncForceFailingBeforeARollKeepsLaterAcknowledgementsTrue() throws Exception {
        Path dir = tmp.resolve("b");
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        PausedForce hook = new PausedForce(Wal.file(dir, 1), 2, 2); // the sync's force fails, pauses
        faults.forceHook = hook;
        byte[] r1 = new byte[100];
        AtomicReference<Throwable> syncError = new AtomicReference<>();
        AtomicReference<Throwable> rollError = new AtomicReference<>();
        AtomicReference<Throwable> laterSyncError = new AtomicReference<>();
        try (Wal wal = Wal.open(dir, 256, 1, faults.opener())) {
            assertThat(wal.append(r1)).isEqualTo(1);
            Thread syncer = hook.startSyncAndPause(wal, syncError);
            Thread roller = start(() -> wal.append(new byte[200]), rollError);
            awaitDoneOrBlocked(roller);
            Thread laterSync = start(() -> wal.sync(1), laterSyncError);
            awaitDoneOrBlocked(laterSync);
            hook.release.countDown();
            syncer.join();
            roller.join();
            laterSync.join();
            assertThat(syncError.get()).as("the first sync's force failed").isInstanceOf(ServiceException.class);
            if (laterSyncError.get() == null) {
                // acknowledged: record 1 must be durable, whatever happens next
                faults.crash();
                Map<Long, byte[]> back = replayAll(dir);
                assertThat(back).as("acknowledged by the later sync").containsKey(1L);
                assertThat(back.get(1L)).isEqualTo(r1);
            }
        }
        assertThat(laterSyncError.get())
                .as("the records were rewritten and forced again, so the later sync succeeds")
                .isNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
