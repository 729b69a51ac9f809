package dev.runnel.api.grpc;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.server.RunnelServer;
import dev.runnel.api.server.ServerConfig;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener with a certificate and key from PEM files; a remote client that trusts the
 * certificate (runnel.client.tls.ca-certificates) talks to it, a plaintext one cannot.
 */
class TlsTest {

  @TempDir Path dir;

  @Test
  void shouldServeOverTlsWithPemFiles() throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "secret",
                "-alias",
                "runnel",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes()));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "secret".toCharArray());
    }
    Path certificate = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("runnel").getEncoded()));
    Files.writeString(
        key, pem("PRIVATE KEY", keys.getKey("runnel", "secret".toCharArray()).getEncoded()));

    try (RunnelServer server =
        RunnelServer.start(
            ServerConfig.load(
                ConfigFactory.parseMap(
                    Map.of(
                        "runnel.data-dir",
                        dir.resolve("data").toString(),
                        "runnel.fsync",
                        "never",
                        "runnel.cluster.port",
                        0,
                        "runnel.server.port",
                        0,
                        "runnel.server.tls.certificate-chain",
                        certificate.toString(),
                        "runnel.server.tls.private-key",
                        key.toString())),
                Optional.empty(),
                Map.of()))) {
      result(server.ready());
      assertTrue(server.grpc().tls());
      String address = "127.0.0.1:" + server.grpc().localAddress().getPort();
      try (RemoteConnection trusting =
          RemoteConnection.open(
              ConfigFactory.parseMap(
                  Map.of(
                      "runnel.client.server",
                      address,
                      "runnel.client.tls.ca-certificates",
                      certificate.toString())))) {
        RunnelServiceClient client = trusting.client();
        result(client.createTopic(CreateTopicRequest.newBuilder().setName("secure").build()));
        assertTrue(
            result(client.listTopics(ListTopicsRequest.getDefaultInstance()))
                .getNamesList()
                .contains("secure"));
      }
      try (RemoteConnection plaintext =
          RemoteConnection.open(
              ConfigFactory.parseMap(
                  Map.of(
                      "runnel.client.server", address, "runnel.client.request-timeout", "5s")))) {
        ExecutionException refused =
            assertThrows(
                ExecutionException.class,
                () ->
                    plaintext
                        .client()
                        .listTopics(ListTopicsRequest.getDefaultInstance())
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof StatusRuntimeException, refused.toString());
      }
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
