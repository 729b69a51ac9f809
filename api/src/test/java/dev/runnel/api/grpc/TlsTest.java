package dev.runnel.api.grpc;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.server.RunnelServer;
import dev.runnel.api.server.ServerConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener with a certificate and key from PEM files, and a client that trusts it. */
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
      ActorSystem system =
          ActorSystem.create("tls-client", ConfigFactory.parseString("akka.loglevel = WARNING"));
      try {
        RunnelServiceClient client =
            RunnelServiceClient.create(
                GrpcClientSettings.connectToServiceAt(
                        "127.0.0.1", server.grpc().localAddress().getPort(), system)
                    .withTls(true)
                    .withTrustManager(Tls.trustManager(certificate)),
                system);
        result(client.createTopic(CreateTopicRequest.newBuilder().setName("secure").build()));
        assertTrue(
            result(client.listTopics(ListTopicsRequest.getDefaultInstance()))
                .getNamesList()
                .contains("secure"));
        result(client.close());
      } finally {
        system.terminate();
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
