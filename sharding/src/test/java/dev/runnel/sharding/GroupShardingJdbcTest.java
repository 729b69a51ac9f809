package dev.runnel.sharding;

import com.typesafe.config.Config;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link GroupShardingTest} with {@code runnel.storage = jdbc} on PostgreSQL. */
class GroupShardingJdbcTest extends GroupShardingTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  @Override
  Config storage() {
    return POSTGRES.nodeConfig();
  }
}
