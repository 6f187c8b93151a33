package io.sextant.cluster.replica;

import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One read of a shard spread over its readable replicas, as Qdrant's replica set does it: the
 * candidates come in preference order (the local replica first, then the remote ones); {@code
 * required + fanOut} of them are asked at once; when none of the asked ones answered after {@code
 * delayMs} (once per read), the next candidate is asked too; a replica that fails with a service
 * error (unreachable, deadline, closed) is replaced by the next candidate; a user error (bad input)
 * is the answer at once. The read ends when {@code required} replicas answered; the remote replicas
 * still working are cancelled (their threads interrupted, which cancels the internal gRPC call), a
 * local one is left to finish; their answers are ignored. When too few answered it fails with a
 * service error listing every failure.
 *
 * <p>With one required answer, no fan-out and no delay (the common case with a local replica) the
 * candidates are asked one after the other on the caller's thread, without any thread hop. Else each
 * asked replica runs on its own virtual thread.
 *
 * @param <T> the answer's type
 */
final class FanOutRead<T> {
    /**
     * A replica that may be asked.
     *
     * @param local whether it is this peer's own replica: a losing local read is left to finish
     *     (its answer ignored), never interrupted, since an interrupt during file I/O would close
     *     channels the shard shares with every other read
     */
    record Candidate(long peer, Shard shard, boolean local) {
        /** A remote replica. */
        Candidate(long peer, Shard shard) {
            this(peer, shard, false);
        }
    }

    private record Outcome<T>(long peer, T answer, RuntimeException error) {}

    private final String what;
    private final List<Candidate> candidates;
    private final Function<Shard, T> read;

    /**
     * @param what the read's name, for messages
     * @param candidates readable replicas in preference order
     * @param read the read to run on one replica
     */
    FanOutRead(String what, List<Candidate> candidates, Function<Shard, T> read) {
        this.what = what;
        this.candidates = List.copyOf(candidates);
        this.read = read;
    }

    /**
     * Runs the read until {@code required} replicas answered.
     *
     * @return the answers in the order they arrived ({@code required} of them)
     * @throws ServiceException when fewer than {@code required} replicas answered
     * @throws io.sextant.segment.error.UserException when a replica rejected the read as bad input
     */
    List<T> run(int required, int fanOut, long delayMs) {
        if (candidates.size() < required) {
            throw new ServiceException(
                    "Only " + candidates.size() + " readable replicas for " + what + ", " + required + " needed");
        }
        if (required == 1 && fanOut == 0 && delayMs <= 0) {
            return List.of(oneAfterAnother());
        }
        return concurrently(required, fanOut, delayMs);
    }

    private T oneAfterAnother() {
        List<String> errors = new ArrayList<>();
        ServiceException last = null;
        for (Candidate c : candidates) {
            try {
                return read.apply(c.shard());
            } catch (ServiceException e) {
                errors.add(describe(c.peer(), e));
                last = e;
            }
        }
        throw failure(0, errors, last);
    }

    private List<T> concurrently(int required, int fanOut, long delayMs) {
        LinkedBlockingQueue<Outcome<T>> outcomes = new LinkedBlockingQueue<>();
        List<Future<?>> running = new ArrayList<>();
        List<Candidate> started = new ArrayList<>();
        int next = 0;
        int inFlight = 0;
        int upFront = Math.min(candidates.size(), required + fanOut);
        for (; next < upFront; next++) {
            running.add(start(candidates.get(next), outcomes, started));
            inFlight++;
        }
        List<T> answers = new ArrayList<>(required);
        List<String> errors = new ArrayList<>();
        ServiceException last = null;
        long delayDeadline = delayMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) : 0;
        try {
            while (answers.size() < required && inFlight > 0) {
                Outcome<T> o;
                if (delayDeadline != 0) {
                    o = outcomes.poll(Math.max(0, delayDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (o == null) { // the delay passed without enough answers: ask one more replica
                        delayDeadline = 0;
                        if (next < candidates.size()) {
                            running.add(start(candidates.get(next++), outcomes, started));
                            inFlight++;
                        }
                        continue;
                    }
                } else {
                    o = outcomes.take();
                }
                inFlight--;
                if (o.error() == null) {
                    answers.add(o.answer());
                } else if (o.error() instanceof ServiceException e) {
                    errors.add(describe(o.peer(), e));
                    last = e;
                    if (next < candidates.size()) {
                        running.add(start(candidates.get(next++), outcomes, started));
                        inFlight++;
                    }
                } else {
                    throw o.error(); // bad input: that is the answer
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted waiting for replicas to answer " + what, e);
        } finally {
            for (int i = 0; i < running.size(); i++) { // the losers: their answers are ignored
                cancel(started.get(i), running.get(i));
            }
        }
        if (answers.size() < required) {
            throw failure(answers.size(), errors, last);
        }
        return answers;
    }

    private static void cancel(Candidate c, Future<?> f) {
        f.cancel(!c.local());
    }

    private Future<?> start(Candidate c, LinkedBlockingQueue<Outcome<T>> outcomes, List<Candidate> started) {
        started.add(c);
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(
                () -> {
                    try {
                        outcomes.add(new Outcome<>(c.peer(), read.apply(c.shard()), null));
                    } catch (RuntimeException e) {
                        outcomes.add(new Outcome<>(c.peer(), null, e));
                    }
                },
                null);
        Thread.ofVirtual()
                .name("read-" + what + "-" + Long.toUnsignedString(c.peer()))
                .start(task);
        return task;
    }

    private static String describe(long peer, RuntimeException e) {
        return "peer " + Long.toUnsignedString(peer) + ": " + e.getMessage();
    }

    private ServiceException failure(int answered, List<String> errors, ServiceException last) {
        return new ServiceException(
                errors.size() + " of " + (answered + errors.size()) + " replicas failed to answer " + what
                        + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)),
                last);
    }
}
