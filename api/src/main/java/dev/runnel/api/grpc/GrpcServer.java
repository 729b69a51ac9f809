package dev.runnel.api.grpc;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.ServerReflection;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ServerSettings;
import akka.japi.function.Function;
import akka.stream.KillSwitches;
import akka.stream.SharedKillSwitch;
import akka.stream.SystemMaterializer;
import com.typesafe.config.Config;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.Runnel;
import dev.runnel.api.grpc.v1.ClusterService;
import dev.runnel.api.grpc.v1.ClusterServiceHandlerFactory;
import dev.runnel.api.grpc.v1.RunnelService;
import dev.runnel.api.grpc.v1.RunnelServiceHandlerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The gRPC listener of a node: {@link RunnelGrpcService} and gRPC server reflection (so tools such
 * as grpcurl find the service without the proto file) on HTTP/2, over TLS when {@code
 * runnel.server.tls} names a certificate chain and key, plaintext (h2c) otherwise.
 *
 * <p>It stops in the node's coordinated shutdown, before the node leaves its cluster: in phase
 * {@code service-unbind} it stops accepting connections; in {@code service-requests-done} it ends
 * the intake of produce streams, fails consume streams with {@code NOT_AVAILABLE} (so clients
 * reconnect elsewhere), and gives calls in flight up to {@code runnel.server.shutdown-grace} to
 * finish before it closes the connections.
 */
public final class GrpcServer {

  private final ServerBinding binding;
  private final boolean tls;

  private GrpcServer(ServerBinding binding, boolean tls) {
    this.binding = binding;
    this.tls = tls;
  }

  /**
   * Binds the service of {@code runnel} as {@code runnel.server} in the node's configuration says.
   * Fails when the address cannot be bound (the failure names it).
   *
   * @throws IllegalArgumentException on a bad {@code runnel.server} setting, before binding
   */
  public static CompletionStage<GrpcServer> start(Runnel runnel) {
    ActorSystem<Void> system = runnel.system();
    Config server = system.settings().config().getConfig("runnel.server");
    GrpcServiceSettings settings = GrpcServiceSettings.fromConfig(server);
    String host = server.getString("host");
    int port = server.getInt("port");
    Duration grace = server.getDuration("shutdown-grace");
    String certificateChain = server.getString("tls.certificate-chain");
    String privateKey = server.getString("tls.private-key");
    boolean tls = !certificateChain.isEmpty() || !privateKey.isEmpty();

    SharedKillSwitch consumes = KillSwitches.shared("runnel-grpc-consume-streams");
    SharedKillSwitch produces = KillSwitches.shared("runnel-grpc-produce-intake");
    RunnelGrpcService service = new RunnelGrpcService(runnel, settings, consumes, produces);
    Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        ServiceHandler.concatOrNotFound(
            RunnelServiceHandlerFactory.partial(
                service,
                RunnelService.name,
                SystemMaterializer.get(system).materializer(),
                GrpcErrors.exceptionHandler(),
                system),
            ClusterServiceHandlerFactory.partial(
                new ClusterGrpcService(runnel.admin()),
                ClusterService.name,
                SystemMaterializer.get(system).materializer(),
                GrpcErrors.exceptionHandler(),
                system),
            ServerReflection.create(
                List.of(RunnelService.description, ClusterService.description), system));

    ServerSettings defaults = ServerSettings.create(system.classicSystem());
    ServerSettings http2 =
        defaults
            .withPreviewServerSettings(defaults.getPreviewServerSettings().withEnableHttp2(true))
            .withHttp2Settings(
                defaults.getHttp2Settings().withPingInterval(settings.pingInterval()));
    ServerBuilder builder =
        Http.get(system.classicSystem()).newServerAt(host, port).withSettings(http2);
    if (tls) {
      builder =
          builder.enableHttps(
              ConnectionContext.httpsServer(
                  Tls.server(Path.of(certificateChain), Path.of(privateKey))));
    }
    return builder
        .bind(handler)
        .exceptionally(
            failure -> {
              throw new RunnelException(
                  ErrorCode.NOT_AVAILABLE,
                  "Cannot listen: runnel.server.host="
                      + host
                      + ", runnel.server.port="
                      + port
                      + ", reason="
                      + failure.getMessage(),
                  failure);
            })
        .thenApply(
            binding -> {
              stopWithNode(system, binding, consumes, produces, grace);
              return new GrpcServer(binding, tls);
            });
  }

  private static void stopWithNode(
      ActorSystem<Void> system,
      ServerBinding binding,
      SharedKillSwitch consumes,
      SharedKillSwitch produces,
      Duration grace) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(), "runnel-grpc-unbind", binding::unbind);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "runnel-grpc-requests-done",
        () -> {
          produces.shutdown();
          consumes.abort(
              new RunnelException(
                  ErrorCode.NOT_AVAILABLE, "Server stopping: consume stream ended"));
          return binding.terminate(grace).thenApply(terminated -> Done.getInstance());
        });
  }

  /** The address the listener is bound to (with the actual port when configured as 0). */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /** Whether the listener speaks TLS. */
  public boolean tls() {
    return tls;
  }
}
