package io.inferencia.persistence.jobs;

import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The job machinery on the embedded H2 file database (the default deployment). */
class JobsOnH2Test extends JobsOnDatabaseTest {
  @TempDir Path dir;

  @Override
  DatabaseSettings database() {
    return TestDatabases.h2(dir);
  }
}
