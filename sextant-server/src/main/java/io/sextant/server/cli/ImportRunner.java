package io.sextant.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Moves points from a {@link PointSource} to a {@link BatchSink} in numbered batches, at most
 * {@code parallel} in flight, and keeps the {@link ImportCheckpoint} at the highest batch below
 * which every batch is acknowledged. On start it skips the batches a previous run's checkpoint
 * covers. The first failed batch stops reading; batches in flight finish, the checkpoint is
 * written and the failure is thrown. One instance per run; {@link #run} is called once.
 */
final class ImportRunner {

    /** The outcome of a run. */
    record Result(long imported, long skipped, double seconds) {
        double pointsPerSecond() {
            return seconds <= 0 ? 0 : imported / seconds;
        }
    }

    private final PointSource source;
    private final BatchSink sink;
    private final ImportCheckpoint identity;
    private final Path checkpointFile;
    private final int parallel;
    private final ImportProgress.Factory progressFactory;

    private final TreeSet<Long> ackedAhead = new TreeSet<>();
    private long doneBatches;
    private Throwable failure;

    ImportRunner(
            PointSource source,
            BatchSink sink,
            ImportCheckpoint identity,
            Path checkpointFile,
            int parallel,
            ImportProgress.Factory progressFactory) {
        this.source = source;
        this.sink = sink;
        this.identity = identity;
        this.checkpointFile = checkpointFile;
        this.parallel = Math.max(1, parallel);
        this.progressFactory = progressFactory;
    }

    Result run() throws IOException, InterruptedException {
        ImportCheckpoint previous = ImportCheckpoint.read(checkpointFile);
        if (previous != null) {
            previous.checkMatches(identity, checkpointFile);
            doneBatches = previous.doneBatches();
        }
        int batchSize = identity.batchSize();
        long skipped = doneBatches * batchSize;
        if (source.total() >= 0) {
            skipped = Math.min(skipped, source.total());
        }
        source.skip(skipped);
        ImportProgress progress = progressFactory.create(source.total(), skipped);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(
                parallel, Thread.ofPlatform().daemon().name("import-", 0).factory());
        Semaphore slots = new Semaphore(parallel);
        long batchNo = doneBatches;
        long sent = 0;
        try {
            while (failed() == null) {
                List<ImportPoint> batch = new ArrayList<>(batchSize);
                ImportPoint p;
                while (batch.size() < batchSize && (p = source.next()) != null) {
                    batch.add(p);
                }
                if (batch.isEmpty()) {
                    break;
                }
                slots.acquire();
                long no = batchNo++;
                sent += batch.size();
                pool.execute(() -> {
                    try {
                        sink.upsert(no, batch);
                        acked(no);
                        progress.advance(batch.size());
                    } catch (Throwable t) {
                        fail(t);
                    } finally {
                        slots.release();
                    }
                });
                if (batch.size() < batchSize) {
                    break;
                }
            }
        } catch (RuntimeException | IOException e) {
            fail(e);
        } finally {
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        }
        progress.finish();
        Throwable t = failed();
        if (t != null) {
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IOException(t);
        }
        return new Result(sent, skipped, (System.nanoTime() - started) / 1e9);
    }

    private synchronized Throwable failed() {
        return failure;
    }

    private synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    private synchronized void acked(long batchNo) throws IOException {
        ackedAhead.add(batchNo);
        long before = doneBatches;
        while (!ackedAhead.isEmpty() && ackedAhead.first() == doneBatches) {
            ackedAhead.pollFirst();
            doneBatches++;
        }
        if (doneBatches != before) {
            new ImportCheckpoint(identity.source(), identity.collection(), identity.batchSize(), doneBatches)
                    .write(checkpointFile);
        }
    }

    /** Acknowledged contiguous batches so far. */
    synchronized long doneBatches() {
        return doneBatches;
    }
}
