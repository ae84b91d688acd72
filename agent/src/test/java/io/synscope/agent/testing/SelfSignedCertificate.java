package io.synscope.agent.testing;

import io.synscope.probe.testing.Ss;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A key pair and a self-signed certificate for 127.0.0.1, made by the JDK's keytool in a directory
 * of the test's: the server's TLS context, the certificate as PEM for a client to trust (e.g.
 * {@code otel.exporter.otlp.certificate}), and the private key as PEM for a client that presents
 * the same certificate in mutual TLS ({@code otel.exporter.otlp.client.key}).
 */
public final class SelfSignedCertificate {
  private static final String ALIAS = "receiver";
  private static final String PASSWORD = "synscope-test";

  private final Path keyStore;
  private final Path pem;
  private final Path keyPem;

  private SelfSignedCertificate(Path keyStore, Path pem, Path keyPem) {
    this.keyStore = keyStore;
    this.pem = pem;
    this.keyPem = keyPem;
  }

  /** Makes the key pair and certificate in {@code directory}. */
  public static SelfSignedCertificate create(Path directory) {
    Path keyStore = directory.resolve("receiver.p12");
    Path pem = directory.resolve("receiver.pem");
    keytool(
        "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD);
    keytool(
        "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", pem.toString());
    Path keyPem = directory.resolve("receiver-key.pem");
    try {
      // PKCS#8, as the OpenTelemetry SDK reads a client key.
      byte[] pkcs8 = load(keyStore).getKey(ALIAS, PASSWORD.toCharArray()).getEncoded();
      Files.writeString(
          keyPem,
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
              + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + keyPem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key in " + keyStore, e);
    }
    return new SelfSignedCertificate(keyStore, pem, keyPem);
  }

  /** The certificate, PEM-encoded. */
  public Path pem() {
    return pem;
  }

  /** The private key, PEM-encoded PKCS#8. */
  public Path keyPem() {
    return keyPem;
  }

  /** A server's TLS context that presents this certificate. */
  public SSLContext serverContext() {
    return context(false);
  }

  /**
   * A server's TLS context that presents this certificate and trusts it from clients too: for a
   * server that asks its clients for this same certificate (mutual TLS).
   */
  public SSLContext serverContextTrustingItself() {
    return context(true);
  }

  private SSLContext context(boolean trustItself) {
    try {
      KeyStore store = load(keyStore);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, PASSWORD.toCharArray());
      TrustManager[] trust = null;
      if (trustItself) {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, store.getCertificate(ALIAS));
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        trust = factory.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + keyStore, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the key in " + keyStore, e);
    }
  }

  private static KeyStore load(Path keyStore) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      return store;
    }
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Jdks.current().home().resolve("bin").resolve("keytool").toString());
    command.addAll(List.of(arguments));
    Ss.run(command);
  }
}
