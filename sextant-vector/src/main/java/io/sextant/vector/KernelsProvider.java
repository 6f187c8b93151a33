package io.sextant.vector;

import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the process-wide {@link VectorKernels} once, at class-initialization time.
 *
 * <p>{@link PanamaKernels} is chosen when the {@code jdk.incubator.vector} module is in the boot
 * layer, the C2 compiler is on (the Vector API is very slow without it), the preferred species
 * holds at least four floats, and a probe call gives exactly the scalar result on small integer
 * data. Otherwise one SLF4J warning says why and {@link ScalarKernels} is used. The system property
 * {@code sextant.vector.kernels} ({@code auto}, the default, {@code panama} or {@code scalar})
 * forces a choice; {@code panama} still falls back when Panama cannot run. Thread-safe.
 */
final class KernelsProvider {
    static final String PROPERTY = "sextant.vector.kernels";
    private static final Logger LOG = LoggerFactory.getLogger(KernelsProvider.class);
    static final VectorKernels INSTANCE = choose(System.getProperty(PROPERTY, "auto"), KernelsProvider::newPanama);

    private KernelsProvider() {}

    /** Chooses the kernels; {@code panama} is only called when the Vector API looks usable. */
    static VectorKernels choose(String requested, Supplier<VectorKernels> panama) {
        String mode = requested.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "scalar" -> {
                LOG.info("Using scalar vector kernels ({}=scalar)", PROPERTY);
                return new ScalarKernels();
            }
            case "auto", "panama" -> {}
            default ->
                throw new IllegalArgumentException(
                        "Unknown " + PROPERTY + ": " + requested + ", expected one of auto, panama, scalar");
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return fallback("the jdk.incubator.vector module is not loaded; start the JVM with"
                    + " --add-modules jdk.incubator.vector");
        }
        long tierStop = HotSpotFlags.longFlag("TieredStopAtLevel", 4);
        if (tierStop < 4 || !HotSpotFlags.booleanFlag("UseCompiler", true)) {
            return fallback("the C2 compiler is disabled (TieredStopAtLevel=" + tierStop
                    + "), which makes the Vector API slower than plain loops");
        }
        try {
            VectorKernels k = panama.get();
            String mismatch = probe(k);
            if (mismatch != null) {
                return fallback("the Vector API kernels gave a wrong probe result: " + mismatch);
            }
            return k;
        } catch (LinkageError | RuntimeException e) {
            return fallback("the Vector API kernels failed to start: " + e);
        }
    }

    private static VectorKernels newPanama() {
        if (PanamaKernels.lanes() < 4) {
            throw new UnsupportedOperationException(
                    "preferred float species has " + PanamaKernels.lanes() + " lanes, need at least 4");
        }
        return new PanamaKernels();
    }

    /**
     * Runs each array kernel once on small integer-valued data, long enough to reach the vector
     * loops on any species up to 512 bits, where every partial sum is exact. Returns {@code null}
     * when the results equal the scalar ones, else a description of the first difference.
     */
    private static String probe(VectorKernels k) {
        float[] a = new float[67];
        float[] b = new float[67];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) + 1;
        }
        ScalarKernels s = new ScalarKernels();
        if (k.dot(a, b) != s.dot(a, b)) {
            return "dot " + k.dot(a, b) + " vs " + s.dot(a, b);
        }
        if (k.squareDistance(a, b) != s.squareDistance(a, b)) {
            return "squareDistance " + k.squareDistance(a, b) + " vs " + s.squareDistance(a, b);
        }
        if (k.manhattan(a, b) != s.manhattan(a, b)) {
            return "manhattan " + k.manhattan(a, b) + " vs " + s.manhattan(a, b);
        }
        return null;
    }

    private static VectorKernels fallback(String why) {
        LOG.warn("Using scalar vector kernels (slower): {}", why);
        return new ScalarKernels();
    }
}
