package io.sextant.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Builds in-memory {@link KeyStore}s from PEM files: a certificate chain plus a PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC or Ed25519) for the server identity, and a CA
 * bundle for verifying client certificates. PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and encrypted
 * keys are refused with a message saying how to convert them ({@code openssl pkcs8 -topk8
 * -nocrypt}). Stateless and thread-safe.
 */
final class PemKeyStores {

    /** The in-memory password of the stores built here (they never touch disk). */
    static final char[] PASSWORD = "sextant".toCharArray();

    private PemKeyStores() {}

    /** A PKCS#12 store with one entry "server": the key and its chain. */
    static KeyStore identity(Path certFile, Path keyFile) {
        List<Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("tls.cert " + certFile + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, PASSWORD, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "tls.key " + keyFile + " does not match tls.cert " + certFile + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS#12 trust store holding every certificate of the CA bundle. */
    static KeyStore trust(Path caFile) {
        List<Certificate> cas = certificates(caFile);
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("tls.ca_cert " + caFile + " holds no PEM certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Cannot build a trust store from " + caFile + ": " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new ArrayList<>(
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read certificate file " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a PEM certificate file: " + file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read private key file " + file + ": " + e.getMessage(), e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")
                || pem.contains("BEGIN EC PRIVATE KEY")
                || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("tls.key " + file
                    + " must be an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key'");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tls.key " + file + " holds no PEM private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("tls.key " + file + ": unsupported private key algorithm");
    }
}
