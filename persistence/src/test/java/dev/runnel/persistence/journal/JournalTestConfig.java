package dev.runnel.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/** Test configuration selecting the Runnel plugins, with all their files under one directory. */
public final class JournalTestConfig {

  private JournalTestConfig() {}

  /** Small chunks and index intervals so that tests cross their boundaries. */
  public static Config under(Path directory) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.persistence.journal.plugin = \"runnel.persistence.journal\"",
                "akka.persistence.snapshot-store.plugin = \"runnel.persistence.snapshot-store\"",
                "runnel.persistence.journal.dir = \"" + directory.resolve("journal") + "\"",
                "runnel.persistence.journal.replay-chunk-entries = 3",
                "runnel.persistence.journal.segment-bytes = 64 KiB",
                "runnel.persistence.journal.max-entry-bytes = 32 KiB",
                "runnel.persistence.journal.index-interval-bytes = 1 KiB",
                "runnel.persistence.snapshot-store.dir = \""
                    + directory.resolve("snapshots")
                    + "\"",
                "runnel.persistence.query.chunk-entries = 2",
                "akka.actor.testkit.typed.single-expect-default = 5s"))
        .withFallback(ConfigFactory.load());
  }
}
