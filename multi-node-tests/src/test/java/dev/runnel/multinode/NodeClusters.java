package dev.runnel.multinode;

import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link NodeCluster}s for a test and ends them after it, passed or failed: saves what the
 * nodes printed under {@code target/node-logs/<test class>/<test method>/} and kills every node
 * process.
 *
 * <pre>
 * &#64;RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
 * &#64;RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);
 * </pre>
 */
final class NodeClusters implements AfterEachCallback {

  private final TestPostgres postgres;
  private final List<NodeCluster> started = new ArrayList<>();

  NodeClusters(TestPostgres postgres) {
    this.postgres = postgres;
  }

  /** A cluster of {@code size} nodes in {@code dir} with extra node {@code settings}. */
  NodeCluster start(Path dir, int size, Map<String, String> settings) throws InterruptedException {
    NodeCluster cluster = NodeCluster.start(postgres, dir, size, settings);
    started.add(cluster);
    return cluster;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (NodeCluster cluster : started) {
      cluster.saveOutputs(
          context.getRequiredTestClass().getSimpleName()
              + "/"
              + context.getRequiredTestMethod().getName());
      cluster.close();
    }
    started.clear();
  }
}
