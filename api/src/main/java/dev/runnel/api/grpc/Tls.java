package dev.runnel.api.grpc;

import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import akka.pki.pem.PEMLoadingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from PEM files: the server's context from its certificate chain and private key, a client's
 * trust from the certificates it trusts. Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), unencrypted.
 */
public final class Tls {

  private static final char[] NO_PASSWORD = new char[0];

  private Tls() {}

  /**
   * A server context that presents {@code certificateChain} (PEM, the server's certificate first)
   * with {@code privateKey} (PEM).
   *
   * @throws IllegalArgumentException naming the file and the reason when a file cannot be read
   */
  public static SSLContext server(Path certificateChain, Path privateKey) {
    String files =
        "runnel.server.tls.certificate-chain="
            + certificateChain
            + ", runnel.server.tls.private-key="
            + privateKey;
    try {
      Collection<? extends Certificate> chain = certificates(certificateChain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot load the server's TLS key: " + files + ", reason=no certificate");
      }
      PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(privateKey)));
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setKeyEntry("runnel", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException | PEMLoadingException e) {
      throw new IllegalArgumentException(
          "Cannot load the server's TLS key: " + files + ", reason=" + e.getMessage(), e);
    }
  }

  /**
   * A client's trust in the certificates in {@code trusted} (PEM) instead of the JDK's default
   * authorities. (A trust manager rather than a context: the gRPC client builds its own context,
   * with the ALPN settings HTTP/2 needs.)
   *
   * @throws IllegalArgumentException naming the file and the reason when it cannot be read
   */
  public static TrustManager trustManager(Path trusted) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates(trusted)) {
        store.setCertificateEntry("trusted-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust.getTrustManagers()[0];
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot load trusted certificates: file=" + trusted + ", reason=" + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }
}
