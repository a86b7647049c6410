package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.inferencia.node.conformance.Samples;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ in and out against the machine's real broker (127.0.0.1:5672, guest), on a node that journals
 * on the machine's real PostgreSQL: messages on the
 * submission queue become jobs (the message id is the idempotency key, bad messages go to the
 * dead-letter queue with the reason), every job transition reaches the events exchange with
 * confirms, and a broker restart in the middle loses no job and no terminal event.
 */
class AmqpJobsTest {
  private static final String BROKER = "amqp://guest:guest@127.0.0.1:5672";
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SUBMIT = "jobs.submit.t" + RUN;
  private static final String DEAD = "jobs.submit.dead.t" + RUN;
  private static final String EVENTS = "jobs.events.t" + RUN;
  private static final String WATCH = "events.watch.t" + RUN;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConnectionFactory FACTORY = new ConnectionFactory();
  private static JobApi api;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    FACTORY.setUri(BROKER);
    try (Connection c = FACTORY.newConnection("test-setup"); Channel ch = c.createChannel()) {
      // The test's own view of the events: a durable queue bound to everything, declared before any job.
      ch.exchangeDeclare(EVENTS, "topic", true);
      ch.queueDeclare(WATCH, true, false, false, Map.of("x-queue-type", "quorum"));
      ch.queueBind(WATCH, EVENTS, "#");
      // Declared as the node declares it, so the test can read it whoever comes first.
      ch.queueDeclare(DEAD, true, false, false, Map.of("x-queue-type", "quorum"));
    } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("RabbitMQ is needed at " + BROKER + " (.ci/run starts it): " + e, e);
    }
    InProcessNode node = SharedNodes.get("api.keys-list = \"key-amqp:amqp-t\"\n" + postgres()
        + "amqp.uri = \"" + BROKER + "\"\namqp.submit-queue = \"" + SUBMIT + "\"\namqp.dead-letter-queue = \"" + DEAD + "\"\n"
        + "amqp.events-exchange = \"" + EVENTS + "\"\namqp.reconnect.max-backoff = 3s\n");
    api = new JobApi(node.http(), "key-amqp");
    input = api.upload("amqp.png", "image/png", Samples.renderPng("From the queue"));
  }

  /**
   * The node journals on the machine's real PostgreSQL, in a database of its own (those of earlier runs
   * are dropped first: the node of this run keeps its database until the JVM exits).
   */
  private static String postgres() throws Exception {
    String name = "inferencia_amqp_" + RUN;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(PG + "test", "postgres", "");
        java.sql.Statement st = c.createStatement()) {
      List<String> old = new ArrayList<>();
      try (java.sql.ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'inferencia_amqp_%'")) {
        while (rs.next()) old.add(rs.getString(1));
      }
      for (String db : old) st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    } catch (java.sql.SQLException e) {
      throw new AssertionError("PostgreSQL is needed at " + PG + " (.ci/run starts it): " + e.getMessage(), e);
    }
    return "persistence.db.url = \"" + PG + name + "\"\npersistence.db.user = \"postgres\"\n";
  }

  /** The broker outlives the test: leave no queues of this run behind (a node that declares them again leaves empty ones). */
  @AfterAll
  static void cleanUp() throws Exception {
    try (Connection c = FACTORY.newConnection("test-cleanup"); Channel ch = c.createChannel()) {
      ch.queueDelete(WATCH);
      ch.queueDelete(DEAD);
      ch.queueDelete(SUBMIT);
      ch.exchangeDelete(EVENTS);
    }
  }

  @Test
  void messagesBecomeJobsAndEveryTransitionIsPublishedThroughABrokerRestart() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) ids.add("m-" + RUN + "-" + i);
    publish(ids, "amqp-t");
    publish(List.of(ids.get(0)), "amqp-t"); // sent twice: still one job
    publishRaw("bad-json-" + RUN, "amqp-t", "{not json");
    publishRaw("bad-task-" + RUN, "amqp-t", "{\"task\": \"no-such-task\", \"input\": \"" + input + "\"}");
    publishRaw(null, "amqp-t", "{\"task\": \"ocr\", \"input\": \"" + input + "\"}");
    publishRaw("not-yours-" + RUN, "other-tenant", "{\"task\": \"ocr\", \"input\": \"" + input + "\"}");

    Map<String, String> reasons = deadLetters(4, Duration.ofSeconds(60));
    assertTrue(reasons.get("bad-json-" + RUN).startsWith("invalid-job"), reasons.toString());
    assertTrue(reasons.get("bad-task-" + RUN).startsWith("unknown-task"), reasons.toString());
    assertTrue(reasons.get("").startsWith("missing-message-id"), reasons.toString());
    assertTrue(reasons.get("not-yours-" + RUN).startsWith("input-not-yours"), reasons.toString());

    // Then a broker restart while more arrive.
    List<String> more = new ArrayList<>();
    for (int i = 0; i < 20; i++) more.add("r-" + RUN + "-" + i);
    publish(more.subList(0, 10), "amqp-t");
    Thread.sleep(300);
    restartBroker();
    publish(more.subList(10, 20), "amqp-t");

    Map<String, List<JsonNode>> byJob = events(30, Duration.ofSeconds(180));
    assertEquals(30, byJob.size(), "one job per distinct message id");
    for (Map.Entry<String, List<JsonNode>> e : byJob.entrySet()) {
      List<String> names = e.getValue().stream().map(n -> n.get("event").asText()).toList();
      assertEquals("Submitted", names.get(0), e.getKey() + " " + names);
      assertEquals(1, names.stream().filter(n -> n.equals("Succeeded")).count(), e.getKey() + ": one terminal event " + names);
      JsonNode last = e.getValue().get(e.getValue().size() - 1);
      assertEquals("SUCCEEDED", last.get("job").get("status").asText());
      assertTrue(last.get("job").get("output").get("url").asText().startsWith("http"), last.toString());
    }
    // The list is the read side, a projection of its own that may trail the events projection a little.
    JsonNode listed = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> api.get("/v1/jobs?limit=100").json().get("jobs"),
            jobs -> jobs.size() == 30 && java.util.stream.StreamSupport.stream(jobs.spliterator(), false)
                .allMatch(j -> j.get("status").asText().equals("SUCCEEDED")));
    assertEquals(30, listed.size(), "jobs of the tenant: " + listed.size());
    for (JsonNode j : listed) assertEquals("SUCCEEDED", j.get("status").asText());
  }

  private static void publish(List<String> messageIds, String tenant) throws Exception {
    for (String id : messageIds) publishRaw(id, tenant, "{\"task\": \"ocr\", \"input\": \"" + input + "\"}");
  }

  private static void publishRaw(String messageId, String tenant, String body) throws Exception {
    try (Connection c = connectWithin(Duration.ofSeconds(60)); Channel ch = c.createChannel()) {
      ch.confirmSelect();
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2)
          .contentType("application/json").headers(Map.of("tenant", tenant)).build();
      ch.basicPublish("", SUBMIT, props, body.getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
    }
  }

  /** Reason by message id ("" for none) of the first {@code n} dead letters. */
  private static Map<String, String> deadLetters(int n, Duration within) throws Exception {
    Map<String, String> reasons = new HashMap<>();
    long deadline = System.nanoTime() + within.toNanos();
    try (Connection c = connectWithin(within); Channel ch = c.createChannel()) {
      while (reasons.size() < n && System.nanoTime() < deadline) {
        GetResponse r = ch.basicGet(DEAD, true);
        if (r == null) {
          Thread.sleep(200);
          continue;
        }
        Object reason = r.getProps().getHeaders().get("x-rejection-reason");
        assertNotNull(reason, "a dead letter carries its reason");
        String id = r.getProps().getMessageId();
        reasons.put(id == null ? "" : id, reason.toString());
      }
    }
    assertEquals(n, reasons.size(), "dead letters: " + reasons);
    return reasons;
  }

  /** Transitions by job, in order and without repeats (by message id), until {@code jobs} jobs have a terminal one. */
  private static Map<String, List<JsonNode>> events(int jobs, Duration within) throws Exception {
    Map<String, List<JsonNode>> byJob = new HashMap<>();
    Set<String> seen = new HashSet<>();
    Set<String> finished = new HashSet<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (finished.size() < jobs && System.nanoTime() < deadline) {
      try (Connection c = connectWithin(Duration.ofSeconds(60)); Channel ch = c.createChannel()) {
        while (finished.size() < jobs && System.nanoTime() < deadline) {
          GetResponse r = ch.basicGet(WATCH, true);
          if (r == null) {
            Thread.sleep(100);
            continue;
          }
          if (!seen.add(r.getProps().getMessageId())) continue; // a repeat after a retried publish
          JsonNode body = JSON.readTree(r.getBody());
          String jobId = body.get("jobId").asText();
          String status = body.get("status").asText();
          assertEquals("amqp-t.ocr." + status, r.getEnvelope().getRoutingKey());
          assertEquals(jobId + ":" + body.get("seq").asLong(), r.getProps().getMessageId());
          byJob.computeIfAbsent(jobId, k -> new ArrayList<>()).add(body);
          if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) finished.add(jobId);
        }
      } catch (com.rabbitmq.client.ShutdownSignalException | java.io.IOException e) {
        Thread.sleep(500); // the broker is restarting
      }
    }
    assertEquals(jobs, finished.size(), "jobs with a terminal event: " + finished.size() + " of " + byJob.size() + " seen");
    byJob.values().forEach(list -> list.sort((a, b) -> Long.compare(a.get("seq").asLong(), b.get("seq").asLong())));
    return byJob;
  }

  private static Connection connectWithin(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return FACTORY.newConnection("test");
      } catch (Exception e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(500);
      }
    }
  }

  private static void restartBroker() throws Exception {
    run("rabbitmqctl", "stop_app");
    Thread.sleep(2000);
    run("rabbitmqctl", "start_app");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
  }
}
