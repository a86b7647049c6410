package io.inferencia.persistence.testkit;

import io.inferencia.persistence.db.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Databases for tests: an H2 file in a temp dir, or a fresh PostgreSQL database on the local server
 * ({@code TEST_PG_URL}, default jdbc:postgresql://127.0.0.1:5432/test as user postgres). PostgreSQL
 * must be running: a missing server fails the test with a message saying how to start it.
 */
public final class TestDatabases {
  private static final String PG_ADMIN_URL =
      System.getenv().getOrDefault("TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String PG_USER = System.getenv().getOrDefault("TEST_PG_USER", "postgres");

  private TestDatabases() {}

  public static DatabaseSettings h2(Path dir) {
    return new DatabaseSettings(DatabaseSettings.embeddedH2(dir), "sa", "", 4);
  }

  /** A new, empty PostgreSQL database; drop it with {@link #dropPostgres}. */
  public static DatabaseSettings freshPostgres() {
    String name = "inferencia_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, ""); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL is required at " + PG_ADMIN_URL + " (user " + PG_USER
          + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start — " + e.getMessage(), e);
    }
    String url = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + name;
    return new DatabaseSettings(url, PG_USER, "", 4);
  }

  public static void dropPostgres(DatabaseSettings db) {
    String name = db.url().substring(db.url().lastIndexOf('/') + 1);
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, ""); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name + ": " + e.getMessage(), e);
    }
  }
}
