package io.sextant.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI for TLS tests, made with the JDK's {@code keytool}: a CA, and leaf certificates
 * signed by it (server certificates carry {@code SAN ip:127.0.0.1}), exported as PEM files (PKCS#8
 * keys) the way an operator would provide them.
 */
public final class TestPki {

    static final String PW = "changeit";

    private final Path dir;
    private final String keytool =
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                store("ca"));
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                store("ca"),
                "-file",
                dir.resolve("ca.pem").toString());
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    private String store(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    /** Issues a leaf signed by the CA; writes {@code name.pem} (leaf + CA chain) and {@code name.key} (PKCS#8). */
    /** The PEM certificate chain {@link #issue} wrote for {@code name}. */
    public Path pem(String name) {
        return dir.resolve(name + ".pem");
    }

    /** The PKCS#8 PEM key {@link #issue} wrote for {@code name}. */
    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public void issue(String name, String cn, boolean server) throws Exception {
        Files.deleteIfExists(Path.of(store(name)));
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + cn,
                "-validity",
                "2",
                "-keystore",
                store(name));
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", name, "-keystore", store(name), "-file", csr.toString());
        Path crt = dir.resolve(name + ".crt.pem");
        List<String> gen = new ArrayList<>(List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                store("ca"),
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-rfc",
                "-validity",
                "2"));
        if (server) {
            gen.addAll(List.of("-ext", "san=ip:127.0.0.1,dns:localhost"));
        }
        keytool(gen.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store(name), "-file", caPem().toString());
        keytool("-importcert", "-alias", name, "-keystore", store(name), "-file", crt.toString());
        KeyStore ks = load(name);
        PrivateKey key = (PrivateKey) ks.getKey(name, PW.toCharArray());
        Path keyTmp = dir.resolve(name + ".key.tmp");
        Files.writeString(
                keyTmp,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Path pemTmp = dir.resolve(name + ".pem.tmp");
        Files.writeString(pemTmp, Files.readString(crt) + Files.readString(caPem()));
        Files.move(keyTmp, dir.resolve(name + ".key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(pemTmp, dir.resolve(name + ".pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    X509Certificate leaf(String name) throws Exception {
        return (X509Certificate) load(name).getCertificate(name);
    }

    KeyStore load(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(store(name)))) {
            ks.load(in, PW.toCharArray());
        }
        return ks;
    }

    /** A client context trusting the CA, presenting {@code clientName}'s certificate when not null. */
    SSLContext client(String clientName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", load("ca").getCertificate("ca"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientName != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientName), PW.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(args));
        cmd.addAll(List.of("-storepass", PW, "-storetype", "PKCS12"));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PW));
        }
        if (!inProcess(cmd)) {
            cmd.addFirst(keytool);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        }
    }

    /** Serializes in-process keytool runs (its classes were written for one run per JVM). */
    private static final Object KEYTOOL_LOCK = new Object();

    /**
     * Runs keytool inside this JVM when its class is reachable (the build's test argLine exports
     * {@code sun.security.tools.keytool}): a JVM start per keytool call made the PKI of one test
     * take 1-2 minutes on a loaded 2-core machine. Returns false to fall back to the process.
     */
    private static boolean inProcess(List<String> cmd) {
        java.lang.reflect.Method run;
        Object tool;
        try {
            Class<?> main = Class.forName("sun.security.tools.keytool.Main");
            tool = main.getConstructor().newInstance();
            run = main.getMethod("run", String[].class, java.io.PrintStream.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // not exported to this module: use the keytool process
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code;
        synchronized (KEYTOOL_LOCK) {
            try {
                code = (int) run.invoke(tool, cmd.toArray(String[]::new), new java.io.PrintStream(out, true));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("keytool " + cmd + " failed: " + e.getCause(), e);
            }
        }
        if (code != 0) {
            throw new IllegalStateException("keytool " + cmd + " failed (" + code + "): " + out);
        }
        return true;
    }
}
