package io.sextant.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Reads HotSpot VM flags ({@code -XX:...}) through the platform diagnostic MXBean, answering a
 * default when the flag or the bean does not exist (another VM, a stripped runtime). Used to decide
 * whether the Vector API will be fast: hardware FMA and the C2 compiler. Thread-safe.
 */
final class HotSpotFlags {
    private HotSpotFlags() {}

    /** The flag's value as a string, or {@code null} when it cannot be read. */
    static String flag(String name) {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    static boolean booleanFlag(String name, boolean whenUnknown) {
        String v = flag(name);
        return v == null ? whenUnknown : Boolean.parseBoolean(v);
    }

    static long longFlag(String name, long whenUnknown) {
        String v = flag(name);
        if (v == null) {
            return whenUnknown;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return whenUnknown;
        }
    }
}
