package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link FanOutRead} over in-process replicas with read delays. */
class FanOutReadTest {
    private static RecordingShard replica(String name, long delayMillis) {
        RecordingShard r = new RecordingShard(name);
        r.readDelayMillis = delayMillis;
        return r;
    }

    /** Each replica answers its own name. */
    private static FanOutRead<String> read(RecordingShard... replicas) {
        List<FanOutRead.Candidate> c = new java.util.ArrayList<>();
        for (int i = 0; i < replicas.length; i++) {
            c.add(new FanOutRead.Candidate(i + 1, replicas[i]));
        }
        return new FanOutRead<>("count", c, s -> {
            s.count(null, true);
            return s.toString();
        });
    }

    @Test
    void withoutFanOutASlowFirstReplicaCostsItsWholeDelay() {
        RecordingShard slow = replica("slow", 400);
        RecordingShard fast = replica("fast", 0);
        List<String>[] answer = new List[1];
        long took = ThreeReplicaPeers.millis(() -> answer[0] = read(slow, fast).run(1, 0, 0));
        assertThat(answer[0]).containsExactly("RecordingShard[slow]");
        assertThat(took).isGreaterThanOrEqualTo(400);
        assertThat(fast.reads.get()).isZero();
    }

    @Test
    void afterTheDelayTheNextReplicaIsAskedAndTheFirstAnswerWinsTheLoserIsCancelled() {
        RecordingShard slow = replica("slow", 5_000);
        RecordingShard fast = replica("fast", 0);
        List<String>[] answer = new List[1];
        long took = ThreeReplicaPeers.millis(() -> answer[0] = read(slow, fast).run(1, 0, 20));
        assertThat(answer[0]).containsExactly("RecordingShard[fast]");
        assertThat(took).isLessThan(2_000);
        eventuallyTrue(slow.readCancelled::get);
    }

    @Test
    void aLosingLocalReadIsLeftToFinishNotInterrupted() throws InterruptedException {
        RecordingShard local = replica("local", 300);
        RecordingShard remote = replica("remote", 0);
        FanOutRead<String> read = new FanOutRead<>(
                "count", List.of(new FanOutRead.Candidate(1, local, true), new FanOutRead.Candidate(2, remote)), s -> {
                    s.count(null, true);
                    return s.toString();
                });
        assertThat(read.run(1, 0, 20)).containsExactly("RecordingShard[remote]");
        Thread.sleep(600);
        assertThat(local.readCancelled.get())
                .as("file channels die with an interrupted read")
                .isFalse();
    }

    @Test
    void theDelayAsksOnlyOneMoreReplica() {
        RecordingShard slow1 = replica("slow-1", 300);
        RecordingShard slow2 = replica("slow-2-", 300);
        RecordingShard fast = replica("fast", 0);
        List<String> answer = read(slow1, slow2, fast).run(1, 0, 20);
        assertThat(answer).hasSize(1);
        assertThat(answer.getFirst()).startsWith("RecordingShard[slow");
        assertThat(fast.reads.get())
                .as("a third replica needs a second delay, which Qdrant does not have")
                .isZero();
    }

    @Test
    void fanOutFactorAsksExtraReplicasUpFront() {
        RecordingShard slow = replica("slow", 5_000);
        RecordingShard fast = replica("fast", 0);
        List<String>[] answer = new List[1];
        long took = ThreeReplicaPeers.millis(() -> answer[0] = read(slow, fast).run(1, 1, 0));
        assertThat(answer[0]).containsExactly("RecordingShard[fast]");
        assertThat(took).isLessThan(2_000);
        assertThat(slow.reads.get()).isEqualTo(1);
    }

    @Test
    void aReplicaFailingWithAServiceErrorIsReplacedByTheNext() {
        RecordingShard down = replica("down", 0);
        down.failReads = () -> new ServiceException("unreachable");
        RecordingShard up = replica("up", 0);
        assertThat(read(down, up).run(1, 0, 1_000)).containsExactly("RecordingShard[up]");
        assertThat(read(down, up).run(1, 0, 0)).containsExactly("RecordingShard[up]");
    }

    @Test
    void aUserErrorIsTheAnswer() {
        RecordingShard bad = replica("bad", 0);
        bad.failReads = () -> UserException.badRequest("bad filter");
        RecordingShard other = replica("other", 200);
        assertThatThrownBy(() -> read(bad, other).run(1, 0, 50))
                .isInstanceOf(UserException.class)
                .hasMessage("bad filter");
        assertThat(other.reads.get()).isZero();
    }

    @Test
    void requiredAnswersAreCollectedFromDistinctReplicasAndTooFewFail() {
        RecordingShard a = replica("a", 0);
        RecordingShard bb = replica("bb", 50);
        RecordingShard ccc = replica("ccc", 0);
        ccc.failReads = () -> new ServiceException("unreachable");
        assertThat(read(a, bb, ccc).run(2, 0, 0)).containsExactlyInAnyOrder("RecordingShard[a]", "RecordingShard[bb]");
        assertThatThrownBy(() -> read(a, bb, ccc).run(3, 0, 0))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("1 of 3 replicas failed to answer count")
                .hasMessageContaining("peer 3: unreachable");
        assertThatThrownBy(() -> read(a, bb).run(3, 0, 0))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("Only 2 readable replicas");
    }

    private static void eventuallyTrue(java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(c.getAsBoolean()).isTrue();
    }
}
