package io.sextant.bench.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The closed-loop driver of the REST and gRPC benchmarks: {@code clients} platform threads take the
 * next request number from a shared counter, send query {@code number % queries}, time it and go
 * on, until every query has been sent {@code rounds} times. Stateless; each {@link #run} call owns
 * its threads and arrays.
 */
final class ClosedLoop {
    /** One request: the ids it returned for query {@code q}, or null for an error answer. */
    @FunctionalInterface
    interface Request {
        int[] ids(int q) throws Exception;
    }

    /** A {@link Request} holding connections, closed after the run. */
    interface Session extends Request, AutoCloseable {}

    /**
     * One measured run.
     *
     * @param latenciesMs every request's latency in ms, sorted ascending
     * @param rps requests per second over the run's wall time
     * @param errors requests that got an error answer
     * @param ids per query, the ids of its last successful answer (empty when none)
     */
    record Run(double[] latenciesMs, double rps, int errors, int[][] ids) {
        /** The {@code q}-quantile (nearest rank) of the latencies in ms; NaN for an empty run. */
        double p(double q) {
            return latenciesMs.length == 0 ? Double.NaN : HttpBench.percentile(latenciesMs, q);
        }

        /** The slowest request in ms; NaN for an empty run. */
        double max() {
            return latenciesMs.length == 0 ? Double.NaN : latenciesMs[latenciesMs.length - 1];
        }
    }

    private ClosedLoop() {}

    /** Sends every one of {@code queries} queries {@code rounds} times from {@code clients} threads. */
    static Run run(Request request, int queries, int clients, int rounds) throws Exception {
        int total = queries * rounds;
        double[] latencies = new double[total];
        int[][] ids = new int[queries][];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        int q = i % queries;
                        long s = System.nanoTime();
                        int[] got = request.ids(q);
                        latencies[i] = (System.nanoTime() - s) / 1e6;
                        if (got == null) {
                            errors.incrementAndGet();
                        } else {
                            ids[q] = got;
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(latencies);
        for (int q = 0; q < ids.length; q++) {
            if (ids[q] == null) {
                ids[q] = new int[0];
            }
        }
        return new Run(latencies, total / secs, errors.get(), ids);
    }

    /** All latencies of several runs; throughput is the mean of theirs; ids of the last run. */
    static Run merge(List<Run> runs) {
        double[] all = runs.stream()
                .flatMapToDouble(r -> Arrays.stream(r.latenciesMs()))
                .sorted()
                .toArray();
        double rps = runs.stream().mapToDouble(Run::rps).average().orElse(0);
        int errors = runs.stream().mapToInt(Run::errors).sum();
        return new Run(all, rps, errors, runs.getLast().ids());
    }
}
