package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.CuttableTcpProxy;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under load and comes back: PostgreSQL is reached through a TCP proxy that
 * the test cuts (every connection dropped, new ones refused) for {@code outage.seconds} (60 by default)
 * after a burst of {@code outage.burst} jobs (60), while clients keep submitting and retry a failed
 * submission with the same Idempotency-Key, as clients should. Then:
 * <ul>
 *   <li>readiness is false while the database is unreachable, and true again after;
 *   <li>submissions are accepted again within 5 s of the database's return;
 *   <li>every acknowledged job SUCCEEDED exactly once (one JobSucceeded in the journal), within 60 s.
 * </ul>
 * The longer outages of the fault runs: {@code -Doutage.seconds=150 -Doutage.burst=700}.
 */
class DatabaseOutageIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final int OUTAGE_SECONDS = Integer.getInteger("outage.seconds", 60);
  private static final int BURST = Integer.getInteger("outage.burst", 60);
  private static final int CLIENTS = 3;
  private static final Duration RECOVERY_BUDGET = Duration.ofSeconds(60);
  private static final long ACCEPT_AGAIN_WITHIN_MS = 5_000;

  /** Acknowledged job id to when its submission was acknowledged (epoch ms). */
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  /** Start and end (epoch ms) of each submission try that was refused or failed. */
  private final ConcurrentLinkedQueue<long[]> refused = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean loadOn = new AtomicBoolean(true);

  @Test
  void everyAcknowledgedJobSucceedsOnceAfterTheDatabaseComesBack() throws Exception {
    DatabaseSettings db = TestDatabases.freshPostgres();
    URI pg = URI.create(db.url().substring("jdbc:".length()));
    Path data = Files.createTempDirectory("outage-it");
    try (CuttableTcpProxy proxy = new CuttableTcpProxy(NodeProcess.freePort(), pg.getHost(), pg.getPort());
        NodeProcess node = NodeProcess.start(JAR, REPO, data, Map.of(
            "DB_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port + pg.getPath(),
            "DB_USER", "postgres", "DB_PASSWORD", ""))) {
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      String input = api.upload("outage.png", "image/png", Samples.renderPng("Outage"));
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 16);
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) load.add(clients.submit(() -> keepSubmitting(api, input)));
      Thread.sleep(3_000);
      List<Future<?>> burst = new ArrayList<>();
      for (int i = 0; i < BURST; i++) burst.add(clients.submit(() -> submitUntilAcknowledged(api, input, UUID.randomUUID().toString())));
      for (Future<?> f : burst) f.get(2, TimeUnit.MINUTES);

      proxy.cut();
      long cutAt = System.currentTimeMillis();
      long notReadyAt = awaitReadiness(node, false, Duration.ofSeconds(10));
      assertTrue(notReadyAt > 0, "readiness must turn false while the database is unreachable");
      long readyDuringCut = stayedNotReady(node, cutAt + OUTAGE_SECONDS * 1000L);
      assertEquals(0, readyDuringCut, "readiness answered 200 during the outage");
      proxy.resume();
      long backAt = System.currentTimeMillis();

      long readyAgainAt = awaitReadiness(node, true, Duration.ofSeconds(10));
      assertTrue(readyAgainAt > 0, "readiness must come back with the database");
      Thread.sleep(15_000);
      loadOn.set(false);
      for (Future<?> f : load) f.get(2, TimeUnit.MINUTES);
      clients.shutdown();

      long firstAcceptedAfterReturn = acknowledged.values().stream().filter(t -> t >= backAt).min(Long::compare).orElse(-1L);
      long lateRefusals = refused.stream().filter(r -> r[0] >= backAt + ACCEPT_AGAIN_WITHIN_MS).count();
      Map<String, String> status = awaitAllSucceeded(api, backAt + RECOVERY_BUDGET.toMillis());
      long allDoneAt = System.currentTimeMillis();
      Map<String, Integer> successes = succeededEvents(db);
      System.out.printf("outage %d s, burst %d: %d jobs acknowledged; not ready %d ms after the cut, ready %d ms after"
              + " the return; first submission accepted %d ms after the return; %d refusals started later than %d ms"
              + " after it; all jobs finished %d ms after the return%n",
          OUTAGE_SECONDS, BURST, acknowledged.size(), notReadyAt - cutAt, readyAgainAt - backAt,
          firstAcceptedAfterReturn - backAt, lateRefusals, ACCEPT_AGAIN_WITHIN_MS, allDoneAt - backAt);

      assertTrue(firstAcceptedAfterReturn > 0 && firstAcceptedAfterReturn - backAt <= ACCEPT_AGAIN_WITHIN_MS,
          "a submission must be accepted within 5 s of the database's return (first: "
              + (firstAcceptedAfterReturn - backAt) + " ms)");
      assertEquals(0, lateRefusals, "submissions made 5 s after the database's return must be accepted");
      Map<String, String> notSucceeded = new HashMap<>();
      status.forEach((id, s) -> {
        if (!s.equals("SUCCEEDED")) notSucceeded.put(id, s);
      });
      assertTrue(notSucceeded.isEmpty(), notSucceeded.size() + " acknowledged jobs did not succeed within "
          + RECOVERY_BUDGET.toSeconds() + " s of the return: " + sample(notSucceeded));
      for (String id : acknowledged.keySet())
        assertEquals(1, successes.getOrDefault(id, 0), "job " + id + " must have succeeded exactly once");
    } finally {
      loadOn.set(false);
      TestDatabases.dropPostgres(db);
    }
  }

  /** A client that submits a new job every 250 ms or so until the load stops. */
  private Void keepSubmitting(JobApi api, String input) throws InterruptedException {
    while (loadOn.get()) {
      submitUntilAcknowledged(api, input, UUID.randomUUID().toString());
      Thread.sleep(250);
    }
    return null;
  }

  /** Retries with the same key until acknowledged, or until the load stops (then the job was never acknowledged). */
  private Void submitUntilAcknowledged(JobApi api, String input, String key) throws InterruptedException {
    while (true) {
      long start = System.currentTimeMillis();
      JobApi.Response r;
      try {
        r = api.submit("ocr", input, Map.of("key", key), key);
      } catch (AssertionError ioFailure) {
        r = null;
      }
      if (r != null && r.status() == 202) {
        acknowledged.put(r.json().get("jobId").asText(), System.currentTimeMillis());
        return null;
      }
      if (r != null && r.status() != 503)
        throw new AssertionError("a submission may only be refused as unavailable: " + r.status() + " " + r.body());
      refused.add(new long[] {start, System.currentTimeMillis()});
      if (!loadOn.get()) return null;
      Thread.sleep(500);
    }
  }

  /** When readiness first answered as {@code ready} (epoch ms), or 0 if not within the timeout. */
  private static long awaitReadiness(NodeProcess node, boolean ready, Duration timeout) {
    try {
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> isReady(node, ready));
      return System.currentTimeMillis();
    } catch (ConditionTimeoutException e) {
      return 0;
    }
  }

  /** Polls readiness until {@code until} (epoch ms); returns how many times it answered ready. */
  private static long stayedNotReady(NodeProcess node, long until) throws Exception {
    long ready = 0;
    while (System.currentTimeMillis() < until) {
      if (isReady(node)) ready++;
      Thread.sleep(500);
    }
    return ready;
  }

  /**
   * {@code /v2/health/ready} on the REST port and Pekko Management's {@code /ready}, which a load
   * balancer or Kubernetes reads: both must turn with the database.
   */
  private static boolean[] readiness(NodeProcess node) throws Exception {
    return new boolean[] {answers200(node.httpPort, "/v2/health/ready"), answers200(node.managementPort, "/ready")};
  }

  /** Both endpoints ready (for {@code ready}) or both not (for {@code !ready}). */
  private static boolean isReady(NodeProcess node, boolean ready) throws Exception {
    boolean[] r = readiness(node);
    return r[0] == ready && r[1] == ready;
  }

  /** Either endpoint ready: what a client must never see during the outage. */
  private static boolean isReady(NodeProcess node) throws Exception {
    boolean[] r = readiness(node);
    return r[0] || r[1];
  }

  private static boolean answers200(int port, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build();
    try {
      return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException timeout) {
      return false;
    }
  }

  /** Polls every acknowledged job until all finished or the deadline passes; the last status of each. */
  private Map<String, String> awaitAllSucceeded(JobApi api, long deadline) {
    Map<String, String> status = new HashMap<>();
    Set<String> open = ConcurrentHashMap.newKeySet();
    open.addAll(acknowledged.keySet());
    try {
      await().atMost(Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis()))).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            for (String id : List.copyOf(open)) {
              JobApi.Response r = api.get("/v1/jobs/" + id);
              String s = r.json() == null ? "HTTP " + r.status() : r.json().path("status").asText();
              status.put(id, s);
              if (s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED")) open.remove(id);
            }
            return open.isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      // the caller reports what did not finish
    }
    return status;
  }

  /** JobSucceeded events per job, counted in the journal itself. */
  private static Map<String, Integer> succeededEvents(DatabaseSettings db) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT persistence_id, count(*) FROM event_journal"
            + " WHERE event_ser_manifest LIKE '%JobSucceeded' GROUP BY persistence_id")) {
      while (rs.next()) out.put(rs.getString(1).substring("Job|".length()), rs.getInt(2));
    }
    return out;
  }

  private static String sample(Map<String, String> m) {
    return m.entrySet().stream().limit(5).map(e -> e.getKey() + "=" + e.getValue()).toList().toString();
  }
}
