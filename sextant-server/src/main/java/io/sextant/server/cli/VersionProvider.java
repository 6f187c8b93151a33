package io.sextant.server.cli;

import io.sextant.server.Main;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code sextant --version}: the version of the packaged jar (its manifest's {@code
 * Implementation-Version}, else the Maven-filtered {@code sextant-version.properties}), plus the Java runtime. Stateless.
 */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "sextant " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    /** The build's version, or {@code unknown} when the resource is missing. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = Main.class.getResourceAsStream("/sextant-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String pv = p.getProperty("version");
                if (pv != null) {
                    return pv;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown (not a packaged build)";
    }
}
