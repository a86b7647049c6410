package io.inferencia.persistence.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The node's own connection pool (read side, projections, sweeper); the journal plugin keeps its own.
 * Blocking: use only from a blocking dispatcher.
 */
public final class Database implements AutoCloseable {
  /** How long a caller waits for a connection (the pool's and the journal's) before failing. */
  static final long CONNECTION_TIMEOUT_MS = 3_000;
  private final DatabaseSettings settings;
  private final HikariDataSource pool;

  public Database(DatabaseSettings settings) {
    this.settings = settings;
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(settings.url());
    c.setUsername(settings.user());
    c.setPassword(settings.password());
    c.setDriverClassName(settings.dialect().driver);
    c.setMaximumPoolSize(settings.poolSize());
    c.setMinimumIdle(Math.min(2, settings.poolSize()));
    c.setPoolName("inferencia-db");
    c.setAutoCommit(true);
    // Fail fast while the database is down rather than queueing callers for Hikari's default 30 s.
    c.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    this.pool = new HikariDataSource(c);
  }

  public DataSource dataSource() {
    return pool;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  /** Creates every table and index that does not exist yet (idempotent; safe on every start). */
  public void createSchema() throws SQLException, IOException {
    try (Connection conn = pool.getConnection(); Statement st = conn.createStatement()) {
      for (String sql : statements(settings.schemaResource())) st.execute(sql);
    }
  }

  static List<String> statements(String resource) throws IOException {
    String text;
    try (InputStream in = Database.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException("schema resource " + resource + " is missing");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.trim().startsWith("--")) continue;
      current.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        String sql = current.toString().trim();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) out.add(current.toString().trim());
    return out;
  }

  @Override
  public void close() {
    pool.close();
  }
}
