package io.sextant.collection.quality;

/**
 * The newest recall samples of one vector name, a ring of at most {@code window} values. Thread-safe (synchronized; one writer, the sampling worker, and rare readers).
 */
final class RecallWindow {
    private double[] ring = new double[0];
    private int next;
    private int size;
    private long total;

    synchronized void add(double recall, int window) {
        if (ring.length != window) {
            resize(window);
        }
        if (size < ring.length) {
            size++;
        }
        ring[next] = recall;
        next = (next + 1) % ring.length;
        total++;
    }

    /** Keeps the newest {@code window} samples. */
    private void resize(int window) {
        double[] fresh = new double[window];
        int keep = Math.min(size, window);
        for (int i = 0; i < keep; i++) {
            // the i-th newest sample sits just before next, going backwards
            int from = Math.floorMod(next - 1 - i, Math.max(ring.length, 1));
            fresh[keep - 1 - i] = ring[from];
        }
        ring = fresh;
        size = keep;
        next = keep % window;
    }

    synchronized LiveRecall.Reading reading() {
        double sum = 0; // filled slots are 0..size-1 (the ring is full once it wraps)
        for (int i = 0; i < size; i++) {
            sum += ring[i];
        }
        return new LiveRecall.Reading(size == 0 ? Double.NaN : sum / size, size, total);
    }
}
