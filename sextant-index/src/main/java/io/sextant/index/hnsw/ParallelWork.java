package io.sextant.index.hnsw;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs one piece of work whose parallel streams must use exactly {@code threads} threads (an
 * index build's own budget, not the common pool's), in a fork-join pool made for it and shut down
 * after. A failure inside is rethrown as it was when it is unchecked.
 */
public final class ParallelWork {
    private ParallelWork() {}

    /**
     * @param threads the pool's parallelism (at least 1)
     * @param what names the work in the exception wrapping a checked failure
     */
    public static void run(int threads, String what, Runnable work) throws InterruptedException {
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
