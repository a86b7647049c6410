package io.inferencia.persistence.jobs;

import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** The job machinery on PostgreSQL (the production database); needs the local server running. */
class JobsOnPostgresTest extends JobsOnDatabaseTest {
  private DatabaseSettings db;

  @Override
  DatabaseSettings database() {
    if (db == null) db = TestDatabases.freshPostgres();
    return db;
  }

  @AfterEach
  void drop() {
    if (db != null) TestDatabases.dropPostgres(db);
    db = null;
  }
}
