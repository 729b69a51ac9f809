package dev.runnel.sharding;

import com.typesafe.config.Config;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RunnelNodeRestartTest} with {@code runnel.storage = jdbc}: both nodes on one database. */
class RunnelNodeRestartJdbcTest extends RunnelNodeRestartTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  @Override
  Config storage() {
    return POSTGRES.nodeConfig();
  }
}
