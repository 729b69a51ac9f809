package dev.runnel.sharding;

import com.typesafe.config.Config;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RunnelNodeTest} with {@code runnel.storage = jdbc} on PostgreSQL. */
class RunnelNodeJdbcTest extends RunnelNodeTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  @Override
  Config storage() {
    return POSTGRES.nodeConfig();
  }
}
