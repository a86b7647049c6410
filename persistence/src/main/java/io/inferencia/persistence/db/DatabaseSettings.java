package io.inferencia.persistence.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.config.SettingReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the journal, snapshots, projection offsets and the jobs read side live: an H2 file under the
 * node's data dir by default, PostgreSQL (or another H2) by {@code DB_URL}.
 *
 * <p>H2 runs with {@code WRITE_DELAY=0}: by default H2 writes commits to its file up to 500 ms later,
 * and a process killed in that window would lose jobs it had already acknowledged.
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {

  public enum Dialect {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver", "h2-dialect", "h2"),
    POSTGRES("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "postgres-dialect", "postgres");

    final String slickProfile;
    final String driver;
    final String projectionDialect;
    final String schemaName;

    Dialect(String slickProfile, String driver, String projectionDialect, String schemaName) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.projectionDialect = projectionDialect;
      this.schemaName = schemaName;
    }
  }

  public DatabaseSettings {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("persistence.db.url is empty");
    if (poolSize < 2) throw new IllegalArgumentException("persistence.db.pool-size must be >= 2, got " + poolSize);
    dialectOf(url); // fails on an unsupported URL
  }

  /**
   * Reads {@code persistence.db}; an empty url means the embedded H2 file under {@code dataDir}. A bad value
   * fails with the variable that carries it.
   */
  public static DatabaseSettings fromConfig(Config db, Path dataDir) {
    SettingReader r = new SettingReader(db, "persistence.db");
    String url = r.string("url", "DB_URL");
    if (url.isEmpty()) url = embeddedH2(dataDir);
    else if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:"))
      throw r.invalid("url", "DB_URL", "'" + url + "' is neither jdbc:postgresql:... nor jdbc:h2:...");
    return new DatabaseSettings(url, r.string("user", "DB_USER"), r.string("password", "DB_PASSWORD"),
        r.intAtLeast("pool-size", "DB_POOL_SIZE", 2));
  }

  /** How the database is probed for readiness: checked every {@code interval}, unreachable after {@code unreachableAfter}. */
  public record Probe(java.time.Duration interval, java.time.Duration unreachableAfter) {}

  /** Reads the probe keys of {@code persistence.db}; a bad value fails with the variable that carries it. */
  public static Probe probeFromConfig(Config db) {
    SettingReader r = new SettingReader(db, "persistence.db");
    return new Probe(r.positiveDuration("probe-interval", "DB_PROBE_INTERVAL"),
        r.positiveDuration("unreachable-after", "DB_UNREACHABLE_AFTER"));
  }

  public static String embeddedH2(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve("db").resolve("inferencia");
    return "jdbc:h2:file:" + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  public Dialect dialect() {
    return dialectOf(url);
  }

  private static Dialect dialectOf(String url) {
    if (url.startsWith("jdbc:h2:")) return Dialect.H2;
    if (url.startsWith("jdbc:postgresql:")) return Dialect.POSTGRES;
    throw new IllegalArgumentException("persistence.db.url '" + url + "' is neither jdbc:h2: nor jdbc:postgresql:");
  }

  /** The classpath file with the journal's settings over {@code persistence.db}; a node's application config includes it. */
  public static final String JOURNAL_CONF = "inferencia-journal.conf";

  /**
   * The four journal settings that HOCON cannot express (see {@link #JOURNAL_CONF}): the Slick profile,
   * JDBC driver and projection dialect of this URL, and the URL itself (the embedded H2 file when
   * {@code DB_URL} is empty). Layer them over the loaded config.
   */
  public Config dialectConfig() {
    String db = "pekko-persistence-jdbc.shared-databases.slick.";
    return ConfigFactory.parseMap(Map.of(
        db + "profile", dialect().slickProfile,
        db + "db.driver", dialect().driver,
        db + "db.url", url,
        "pekko.projection.jdbc.dialect", dialect().projectionDialect), "database dialect of " + dialect());
  }

  /**
   * {@code loaded} with the journal's settings over this database, for a process whose application config
   * does not include them or whose settings were not read from {@code persistence.db} (tests).
   */
  public Config pekkoConfig(Config loaded) {
    Config db = ConfigFactory.parseMap(Map.of("persistence.db.url", url, "persistence.db.user", user,
        "persistence.db.password", password, "persistence.db.pool-size", poolSize), "database settings");
    return dialectConfig().withFallback(db).withFallback(ConfigFactory.parseResources(JOURNAL_CONF))
        .withFallback(loaded).resolve();
  }

  /** The schema script (journal, snapshots, jobs read side) for this dialect, on the classpath. */
  public String schemaResource() {
    return "/schema/" + dialect().schemaName + ".sql";
  }
}
