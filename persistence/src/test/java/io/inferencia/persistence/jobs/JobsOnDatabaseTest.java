package io.inferencia.persistence.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.JobsNode;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.Ack;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobCommand.StartReply;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.JobViewRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * The job machinery on a real database through a real one-node cluster: sharded entities on the JDBC
 * journal, the dispatcher handing tickets to a work-pulling consumer, the projection filling the read
 * side, and recovery after the node is stopped and started again on the same database.
 */
abstract class JobsOnDatabaseTest {
  private static final Duration ASK = Duration.ofSeconds(10);

  /** A database that outlives the nodes of one test. */
  abstract DatabaseSettings database();

  @Test
  void jobsRunThroughWorkersAndTheReadSideFollows() throws Exception {
    try (JobsNode node = new JobsNode(database(), JobsNode.fastSettings())) {
      LinkedBlockingQueue<JobTicket> tickets = worker(node);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String id = "job-" + i;
        ids.add(id);
        JobReply r = submit(node, id, spec("acme", "s3://intake/acme/u/" + i + ".png"));
        assertEquals(JobStatus.QUEUED, r.view().status());
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        JobTicket t = tickets.poll(20, TimeUnit.SECONDS);
        assertNotNull(t, "ticket " + i + " never reached the worker");
        seen.add(t.jobId());
        StartReply go = start(node, t);
        assertTrue(go.go(), go.reason());
        Ack ack = ask(node, t.jobId(), r -> new JobCommand.Complete(t.attempt(), "s3://results/" + t.jobId() + ".json", JobTimings.NONE, r));
        assertTrue(ack.accepted());
      }
      assertEquals(Set.copyOf(ids), seen);
      eventually(() -> node.views.list("acme", JobStatus.SUCCEEDED, 100, null).jobs().size() == ids.size(),
          "every job SUCCEEDED on the read side");
      JobViewRepository.Row row = node.views.find("job-3").orElseThrow();
      assertEquals("s3://results/job-3.json", row.output());
      assertEquals(1, row.attempts());
      // Keyset pages cover every job exactly once, newest first.
      List<String> paged = new ArrayList<>();
      String cursor = null;
      do {
        JobViewRepository.Page page = node.views.list("acme", null, 5, cursor);
        page.jobs().forEach(j -> paged.add(j.jobId()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertEquals(ids.size(), paged.size());
      assertEquals(Set.copyOf(ids), Set.copyOf(paged));
      assertTrue(node.views.list("other-tenant", null, 10, null).jobs().isEmpty(), "tenants only see their own jobs");
      assertThrows(IllegalArgumentException.class, () -> node.views.list("acme", null, 5, "not-a-cursor"));
    }
  }

  @Test
  void stateSurvivesARestartAndTheSweeperRecoversALostTicket() throws Exception {
    DatabaseSettings db = database();
    try (JobsNode node = new JobsNode(db, JobsNode.fastSettings())) {
      // No worker: the ticket waits in the dispatcher's memory, which the "crash" below loses.
      submit(node, "job-lost", spec("acme", "s3://intake/acme/u/lost.wav"));
      eventually(() -> node.views.find("job-lost").isPresent(), "the job reached the read side");
    }
    try (JobsNode node = new JobsNode(db, JobsNode.fastSettings())) {
      LinkedBlockingQueue<JobTicket> tickets = worker(node);
      JobTicket t = tickets.poll(30, TimeUnit.SECONDS);
      assertNotNull(t, "the sweeper should have woken the queued job after the restart");
      assertEquals("job-lost", t.jobId());
      JobReply view = ask(node, "job-lost", JobCommand.Get::new);
      assertEquals(JobStatus.QUEUED, view.view().status());
      assertEquals("s3://intake/acme/u/lost.wav", view.view().input());
    }
  }

  @Test
  void afterARestartQueuedJobsAreDispatchedAtOnceRatherThanWhenTheyGoStale() throws Exception {
    DatabaseSettings db = database();
    JobSettings fast = JobsNode.fastSettings();
    // The periodic sweep alone would not find the job for an hour: only the sweep at start can.
    JobSettings slowSweep = new JobSettings(fast.maxAttempts(), fast.minBackoff(), fast.maxBackoff(), fast.randomFactor(),
        fast.snapshotEvery(), fast.enqueueRetry(), Duration.ofHours(1), Duration.ofHours(1), fast.sweepBatch(),
        fast.dispatcherBuffer(), fast.askTimeout(), fast.runTimeout());
    try (JobsNode node = new JobsNode(db, slowSweep)) {
      submit(node, "job-restarted", spec("acme", "s3://intake/acme/u/r.png"));
      eventually(() -> node.views.find("job-restarted").isPresent(), "the job reached the read side");
    }
    try (JobsNode node = new JobsNode(db, slowSweep)) {
      LinkedBlockingQueue<JobTicket> tickets = worker(node);
      JobTicket t = tickets.poll(15, TimeUnit.SECONDS);
      assertNotNull(t, "the sweep at start should have put the queued job back on its way");
      assertEquals("job-restarted", t.jobId());
    }
  }

  @Test
  void theSweepPagesOnPastJobsThatStayStuck() throws Exception {
    try (JobsNode node = new JobsNode(database(), JobsNode.fastSettings())) {
      try (var c = node.database.dataSource().getConnection(); var st = c.createStatement()) {
        for (int i = 0; i < 5; i++)
          st.execute("INSERT INTO job_view VALUES ('stuck-" + i + "', 'acme', 'ocr', 'RUNNING', 's3://intake/x', NULL, NULL,"
              + " 1, 1000, 1000, 2)");
        st.execute("INSERT INTO job_view VALUES ('done', 'acme', 'ocr', 'SUCCEEDED', 's3://intake/x', NULL, NULL, 1, 10, 10, 3)");
      }
      List<String> swept = new ArrayList<>();
      JdbcJobViewRepository.SweepPosition after = null;
      for (int page = 0; page < 3; page++) {
        List<JdbcJobViewRepository.StaleJob> jobs = node.views.staleJobs(5000, after, 2);
        jobs.forEach(j -> swept.add(j.jobId()));
        after = jobs.get(jobs.size() - 1).position();
      }
      assertEquals(List.of("stuck-0", "stuck-1", "stuck-2", "stuck-3", "stuck-4"), swept);
      assertTrue(node.views.staleJobs(5000, after, 2).isEmpty(), "the end of the sweep");
    }
  }

  @Test
  void aRunLostWithItsWorkerIsRetriedAndFinishes() throws Exception {
    try (JobsNode node = new JobsNode(database(), JobsNode.fastSettings())) {
      LinkedBlockingQueue<JobTicket> tickets = worker(node);
      submit(node, "job-crash", spec("acme", "s3://intake/acme/u/x.png"));
      JobTicket first = tickets.poll(20, TimeUnit.SECONDS);
      assertNotNull(first);
      ActorRef<Object> doomed = node.system.systemActorOf(Behaviors.empty(), "doomed-worker", org.apache.pekko.actor.typed.Props.empty());
      StartReply go = ask(node, "job-crash", r -> new JobCommand.Start(first.attempt(), doomed, "node-x", "run-x", r));
      assertTrue(go.go());
      stop(doomed);
      JobTicket retry = ticketFor(tickets, first.attempt() + 1);
      assertNotNull(retry, "the lost run should come back as a retry");
      assertTrue(start(node, retry).go());
      Ack ack = ask(node, "job-crash", r -> new JobCommand.Complete(retry.attempt(), "s3://results/job-crash.json", JobTimings.NONE, r));
      assertTrue(ack.accepted(), ack.reason());
      eventually(() -> node.views.find("job-crash").map(j -> j.status() == JobStatus.SUCCEEDED && j.attempts() == 2).orElse(false),
          "the read side shows the second attempt's success");
      assertNull(node.views.find("job-crash").orElseThrow().error());
    }
  }

  @Test
  void aRunOnANodeOutsideTheClusterIsRetried() throws Exception {
    try (JobsNode node = new JobsNode(database(), JobsNode.fastSettings())) {
      LinkedBlockingQueue<JobTicket> tickets = worker(node);
      submit(node, "job-elsewhere", spec("acme", "s3://intake/acme/u/e.png"));
      JobTicket first = tickets.poll(20, TimeUnit.SECONDS);
      assertNotNull(first);
      // A worker of a node that is not a member (e.g. the previous incarnation of a crashed node on
      // another address): remote deathwatch would never fire for it, so the run counts as lost at once.
      ActorRef<Object> stranger = org.apache.pekko.actor.typed.ActorRefResolver.get(node.system)
          .resolveActorRef("pekko://jobs-test@10.255.255.1:25520/user/job-worker#12345");
      StartReply go = ask(node, "job-elsewhere", r -> new JobCommand.Start(first.attempt(), stranger, "gone", "run-gone", r));
      assertTrue(go.go());
      assertNotNull(ticketFor(tickets, first.attempt() + 1), "the run on a non-member must come back as a retry");
    }
  }

  /** The first ticket for {@code attempt}; repeated tickets of earlier attempts (the sweeper may resend) are skipped. */
  private static JobTicket ticketFor(LinkedBlockingQueue<JobTicket> tickets, int attempt) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      JobTicket t = tickets.poll(100, TimeUnit.MILLISECONDS);
      if (t != null && t.attempt() == attempt) return t;
    }
    return null;
  }

  // ---- helpers ----

  private static JobSpec spec(String tenant, String input) {
    return new JobSpec(tenant, "ocr", input, Map.of(), 100, "image/png");
  }

  private static JobReply submit(JobsNode node, String id, JobSpec spec) throws Exception {
    return ask(node, id, r -> new JobCommand.Submit(spec, r));
  }

  /** Names the stand-in workers uniquely: the sweeper may resend a ticket that a test then starts again. */
  private static final java.util.concurrent.atomic.AtomicInteger WORKERS = new java.util.concurrent.atomic.AtomicInteger();

  private static StartReply start(JobsNode node, JobTicket t) throws Exception {
    ActorRef<Object> worker = node.system.systemActorOf(Behaviors.empty(), "w-" + t.jobId() + "-" + t.attempt() + "-" + WORKERS.incrementAndGet(),
        org.apache.pekko.actor.typed.Props.empty());
    return ask(node, t.jobId(), r -> new JobCommand.Start(t.attempt(), worker, "node-a", "run-" + t.jobId(), r));
  }

  @SuppressWarnings("unchecked")
  private static <R> R ask(JobsNode node, String id, java.util.function.Function<ActorRef<R>, JobCommand> message)
      throws Exception {
    return node.job(id).<R>ask(message::apply, ASK).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static void stop(ActorRef<Object> actor) {
    // System actors cannot be stopped from outside; the test worker refs are only watched, so a
    // PoisonPill-like stop is sent through the classic adapter.
    org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(actor).tell(org.apache.pekko.actor.PoisonPill.getInstance(),
        org.apache.pekko.actor.ActorRef.noSender());
  }

  /** A work-pulling consumer like the real workers, which hands each ticket to the test and confirms it. */
  private static LinkedBlockingQueue<JobTicket> worker(JobsNode node) {
    LinkedBlockingQueue<JobTicket> tickets = new LinkedBlockingQueue<>();
    Behavior<ConsumerController.Delivery<JobTicket>> behavior = Behaviors.setup(ctx -> {
      ActorRef<ConsumerController.Command<JobTicket>> consumer =
          ctx.spawn(ConsumerController.create(JobDispatcher.WORKERS), "consumer");
      consumer.tell(new ConsumerController.Start<>(ctx.getSelf()));
      return Behaviors.receiveMessage(d -> {
        tickets.add(d.message());
        d.confirmTo().tell(ConsumerController.confirmed());
        return Behaviors.same();
      });
    });
    node.system.systemActorOf(behavior, "test-worker", org.apache.pekko.actor.typed.Props.empty());
    return tickets;
  }

  static void eventually(Callable<Boolean> condition, String what) {
    await(what).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
        .until(condition);
  }
}
