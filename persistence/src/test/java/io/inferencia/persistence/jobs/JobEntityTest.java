package io.inferencia.persistence.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.Ack;
import io.inferencia.protocols.jobs.JobCommand.JobError;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobCommand.StartReply;
import io.inferencia.protocols.jobs.JobCommand.WatchUpdate;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.RunCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job state machine through its commands, on the persistence testkit's in-memory journal, grouped
 * by the status the job is in when the command arrives: absent, queued, running, finished.
 */
class JobEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = on"))
      .withFallback(ConfigFactory.load()));
  private static final JobSettings SETTINGS = new JobSettings(3, Duration.ofMillis(100), Duration.ofMillis(400), 0.0, 4,
      Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 1000, Duration.ofSeconds(5), Duration.ofMinutes(30));
  private static final JobSpec SPEC =
      new JobSpec("acme", "ocr", "s3://intake/acme/u1/page.png", Map.of("lang", "en"), 1234, "image/png");

  private TestProbe<JobDispatcher.Command> dispatcher;
  /** The attempts whose results the entity had discarded, one list per call. */
  private final LinkedBlockingQueue<List<Integer>> discarded = new LinkedBlockingQueue<>();
  private EventSourcedBehaviorTestKit<JobCommand, JobEvent, JobState> job;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    dispatcher = testKit.createTestProbe();
    discarded.clear();
    job = EventSourcedBehaviorTestKit.create(testKit.system(), JobEntity.create("job-1", SETTINGS, dispatcher.ref(),
        (jobId, attempts) -> discarded.add(attempts)));
    job.clear();
  }

  @Test
  void submitPersistsAndHandsATicketToTheDispatcher() {
    var result = job.<JobReply>runCommand(r -> new JobCommand.Submit(SPEC, r));
    assertInstanceOf(JobEvent.JobSubmitted.class, result.event());
    assertEquals(JobStatus.QUEUED, result.reply().view().status());
    assertEquals("acme", result.reply().view().tenant());
    JobDispatcher.Enqueue enqueue = dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    assertEquals("job-1", enqueue.ticket().jobId());
    assertEquals(1, enqueue.ticket().attempt());
  }

  @Test
  void ticketIsResentUntilAcknowledged() {
    submit();
    dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    dispatcher.expectMessageClass(JobDispatcher.Enqueue.class, Duration.ofSeconds(2));
    job.runCommand(new JobCommand.Enqueued(1));
    dispatcher.expectNoMessage(Duration.ofMillis(600));
  }

  @Test
  void sameIdempotentSubmitGetsTheSameJobAndADifferentBodyConflicts() {
    submit();
    var again = job.<JobReply>runCommand(r -> new JobCommand.Submit(SPEC, r));
    assertTrue(again.hasNoEvents());
    assertEquals("job-1", again.reply().view().jobId());
    var other = new JobSpec("acme", "vad", SPEC.input(), Map.of(), 1234, "audio/wav");
    var conflict = job.<JobReply>runCommand(r -> new JobCommand.Submit(other, r));
    assertTrue(conflict.hasNoEvents());
    assertEquals(JobError.Kind.CONFLICT, conflict.reply().error().kind());
  }

  @Test
  void unknownJobIsNotFoundAndPersistsNothing() {
    var get = job.<JobReply>runCommand(JobCommand.Get::new);
    assertEquals(JobError.Kind.NOT_FOUND, get.reply().error().kind());
    var cancel = job.<JobReply>runCommand(r -> new JobCommand.Cancel("x", r));
    assertEquals(JobError.Kind.NOT_FOUND, cancel.reply().error().kind());
    assertTrue(cancel.hasNoEvents());
  }

  @Test
  void oneWorkerRunsAnAttemptToSuccess() {
    submit();
    TestProbe<Object> worker = testKit.createTestProbe();
    StartReply go = start(1, worker.ref());
    assertTrue(go.go());
    assertEquals(SPEC, go.spec());
    StartReply duplicate = start(1, testKit.createTestProbe().ref());
    assertFalse(duplicate.go(), "a second delivery of the same ticket must not run");
    var done = job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", new JobTimings(1, 2, 3), r));
    assertTrue(done.reply().accepted());
    JobState s = job.getState();
    assertEquals(JobStatus.SUCCEEDED, s.status());
    assertEquals("s3://results/job-1.json", s.view().output());
    assertEquals(1, s.view().attempts());
    assertEquals(List.of("Submitted", "Started", "Succeeded"), s.history().stream().map(t -> t.event()).toList());
  }

  @Test
  void transientFailureSchedulesARetryWithBackoffThenGivesUp() {
    submit();
    dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    job.runCommand(new JobCommand.Enqueued(1));
    start(1, testKit.createTestProbe().ref());
    var fail = job.<Ack>runCommand(r -> new JobCommand.Fail(1, "storage answered 503", true, r));
    JobEvent.JobRetryScheduled retry = assertInstanceOf(JobEvent.JobRetryScheduled.class, fail.event());
    assertEquals(2, retry.attempt());
    assertEquals(JobStatus.QUEUED, job.getState().status());
    assertFalse(start(2, testKit.createTestProbe().ref()).go() && job.getState().notBefore() > System.currentTimeMillis(),
        "an early start must wait for the backoff");
    // The retry's ticket goes out once the backoff has passed.
    JobDispatcher.Enqueue again = dispatcher.expectMessageClass(JobDispatcher.Enqueue.class, Duration.ofSeconds(2));
    assertEquals(2, again.ticket().attempt());
  }

  @Test
  void transientFailuresStopAtTheAttemptLimit() {
    submit();
    for (int attempt = 1; attempt <= SETTINGS.maxAttempts(); attempt++) {
      awaitStartable(attempt);
      int a = attempt;
      job.<Ack>runCommand(r -> new JobCommand.Fail(a, "timeout", true, r));
    }
    JobState s = job.getState();
    assertEquals(JobStatus.FAILED, s.status());
    assertTrue(s.error().contains("gave up after 3 attempts"), s.error());
  }

  @Test
  void waitingForStorageSpendsNoAttempts() {
    submit();
    int attempt = 1;
    // Storage down for longer than the attempt limit allows: the job keeps waiting.
    for (int i = 0; i < SETTINGS.maxAttempts() + 2; i++, attempt++) {
      awaitStartable(attempt);
      int a = attempt;
      var waited = job.<Ack>runCommand(r -> new JobCommand.Fail(a, "object storage is unavailable", true, true, r));
      JobEvent.JobRetryScheduled e = assertInstanceOf(JobEvent.JobRetryScheduled.class, waited.event());
      assertTrue(e.waiting());
      assertTrue(e.reason().startsWith("waiting for a dependency"), e.reason());
    }
    assertEquals(JobStatus.QUEUED, job.getState().status());
    assertEquals(SETTINGS.maxAttempts() + 2, job.getState().waits());
    // Then ordinary transient failures still have their whole budget.
    for (int n = 1; n <= SETTINGS.maxAttempts(); n++, attempt++) {
      awaitStartable(attempt);
      int a = attempt;
      job.<Ack>runCommand(r -> new JobCommand.Fail(a, "timeout", true, r));
    }
    assertEquals(JobStatus.FAILED, job.getState().status());
    assertTrue(job.getState().error().contains("gave up after 3 attempts"), job.getState().error());
  }

  @Test
  void permanentFailureFailsAtOnce() {
    submit();
    start(1, testKit.createTestProbe().ref());
    var fail = job.<Ack>runCommand(r -> new JobCommand.Fail(1, "not a PNG or JPEG image", false, r));
    assertInstanceOf(JobEvent.JobFailed.class, fail.event());
    assertEquals("not a PNG or JPEG image", job.getState().error());
  }

  @Test
  void cancelledQueuedJobNeverStarts() {
    submit();
    var cancel = job.<JobReply>runCommand(r -> new JobCommand.Cancel("client", r));
    assertEquals(JobStatus.CANCELLED, cancel.reply().view().status());
    dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    assertEquals("job-1", dispatcher.expectMessageClass(JobDispatcher.Withdraw.class).jobId(),
        "the waiting ticket is withdrawn");
    assertFalse(start(1, testKit.createTestProbe().ref()).go());
    var again = job.<JobReply>runCommand(r -> new JobCommand.Cancel("client", r));
    assertEquals(JobError.Kind.FINISHED, again.reply().error().kind());
  }

  @Test
  void cancelledRunningJobHasItsResultDiscarded() {
    submit();
    start(1, testKit.createTestProbe().ref());
    job.<JobReply>runCommand(r -> new JobCommand.Cancel("client", r));
    var done = job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    assertFalse(done.reply().accepted());
    assertTrue(done.reply().discard());
    assertEquals(JobStatus.CANCELLED, job.getState().status());
  }

  @Test
  void theRunThatGotTheGoAheadGetsItAgainWhenItAsksAgain() {
    submit();
    TestProbe<Object> worker = testKit.createTestProbe();
    assertTrue(start(1, worker.ref(), "run-a").go());
    var again = job.<StartReply>runCommand(r -> new JobCommand.Start(1, worker.ref(), "node-a", "run-a", r));
    assertTrue(again.reply().go(), "a lost reply is answered again");
    assertTrue(again.hasNoEvents(), "and nothing more is recorded");
    assertFalse(start(1, worker.ref(), "run-b").go(), "another run of the started attempt is refused");
  }

  @Test
  void aRetryOnTheSameWorkerIsWatchedAgain() {
    submit();
    ActorRef<Object> worker = testKit.spawn(Behaviors.empty());
    start(1, worker);
    job.<Ack>runCommand(r -> new JobCommand.Fail(1, "storage answered 503", true, r));
    within5s("attempt 2 never became startable").until(() -> start(2, worker).go());
    assertEquals(JobStatus.RUNNING, job.getState().status());
    testKit.stop(worker);
    within5s("the lost worker of attempt 2 went unnoticed").until(() -> job.getState().attempt() == 3);
    assertTrue(job.getState().error().contains("attempt 2 was lost"), job.getState().error());
  }

  @Test
  void lostWorkerBecomesARetry() {
    submit();
    ActorRef<Object> worker = testKit.spawn(Behaviors.empty());
    start(1, worker);
    testKit.stop(worker);
    JobEvent.JobRetryScheduled retry = awaitEvent(JobEvent.JobRetryScheduled.class);
    assertEquals(2, retry.attempt());
    assertTrue(retry.reason().contains("was lost"), retry.reason());
  }

  @Test
  void watchersGetTheHistoryThenLiveTransitionsUntilTheEnd() {
    submit();
    TestProbe<WatchUpdate> watcher = testKit.createTestProbe();
    job.runCommand(new JobCommand.Watch(0, watcher.ref()));
    assertEquals("Submitted", watcher.receiveMessage().transition().event());
    start(1, testKit.createTestProbe().ref());
    assertEquals(JobStatus.RUNNING, watcher.receiveMessage().transition().status());
    job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    WatchUpdate last = watcher.receiveMessage();
    assertEquals(JobStatus.SUCCEEDED, last.transition().status());
    assertTrue(last.terminal());
    // A late watcher of a finished job gets the whole history, the last update marked terminal.
    TestProbe<WatchUpdate> late = testKit.createTestProbe();
    job.runCommand(new JobCommand.Watch(1, late.ref()));
    assertEquals(2, late.receiveMessage().transition().seqNr());
    assertTrue(late.receiveMessage().terminal());
    late.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void recoveryRestoresTheStateAndPutsAQueuedJobBackOnItsWay() {
    submit();
    dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    job.runCommand(new JobCommand.Enqueued(1));
    job.restart();
    assertEquals(JobStatus.QUEUED, job.getState().status());
    JobDispatcher.Enqueue resent = dispatcher.expectMessageClass(JobDispatcher.Enqueue.class);
    assertEquals(1, resent.ticket().attempt());
  }

  @Test
  void recoveryFromSnapshotKeepsTheHistory() {
    submit();
    for (int attempt = 1; attempt < SETTINGS.maxAttempts(); attempt++) {
      awaitStartable(attempt);
      int a = attempt;
      job.<Ack>runCommand(r -> new JobCommand.Fail(a, "timeout " + a, true, r));
    }
    JobState before = job.getState();
    assertTrue(before.lastSeqNr() >= SETTINGS.snapshotEvery(), "enough events for a snapshot");
    var snapshots = job.snapshotTestKit().orElseThrow().persistedInStorage(JobEntity.persistenceId("job-1").id());
    assertFalse(snapshots.isEmpty(), "a snapshot every " + SETTINGS.snapshotEvery() + " events");
    assertEquals(SETTINGS.snapshotEvery(), snapshots.get(0).first().sequenceNr());
    job.restart();
    assertEquals(before, job.getState());
  }

  @Test
  void afterARestartTheRunningWorkerIsWatchedAgainFromTheJournal() {
    submit();
    ActorRef<Object> worker = testKit.spawn(Behaviors.empty());
    start(1, worker);
    job.restart();
    assertEquals(JobStatus.RUNNING, job.getState().status());
    testKit.stop(worker);
    JobEvent.JobRetryScheduled retry = awaitEvent(JobEvent.JobRetryScheduled.class);
    assertEquals(2, retry.attempt());
  }

  // ---- absent ----

  @Test
  void reportsAndStartsForAnUnknownJobAreRefused() {
    assertFalse(start(1, testKit.createTestProbe().ref()).go());
    var done = job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    assertFalse(done.reply().accepted());
    assertTrue(done.hasNoEvents());
  }

  // ---- queued ----

  @Test
  void aCompleteFromAnEarlierAttemptIsDiscardedWhileTheRetryWaits() {
    submit();
    start(1, testKit.createTestProbe().ref());
    job.<Ack>runCommand(r -> new JobCommand.Fail(1, "storage answered 503", true, r));
    var late = job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    assertFalse(late.reply().accepted());
    assertTrue(late.reply().discard(), "a stale attempt's result is never the published one");
    assertEquals(JobStatus.QUEUED, job.getState().status());
  }

  // ---- running ----

  @Test
  void aWokenRunningJobAsksItsWorkerAndLeavesARunThatIsStillWorking() {
    submit();
    TestProbe<Object> worker = testKit.createTestProbe();
    start(1, worker.ref(), "run-a");
    job.runCommand(JobCommand.Wake.INSTANCE);
    RunCheck check = worker.expectMessageClass(RunCheck.class);
    assertEquals("run-a", check.run());
    assertEquals(1, check.attempt());
    check.replyTo().tell(new JobCommand.RunChecked(1, "run-a", true));
    worker.expectNoMessage(Duration.ofMillis(200));
    assertEquals(JobStatus.RUNNING, job.getState().status());
    assertEquals(2, job.getState().history().size(), "a run that is still working is not retried");
  }

  @Test
  void aRunItsWorkerGaveUpOnIsRetriedWhenTheJobIsWoken() {
    submit();
    TestProbe<Object> worker = testKit.createTestProbe();
    start(1, worker.ref(), "run-a");
    job.runCommand(JobCommand.Wake.INSTANCE);
    RunCheck check = worker.expectMessageClass(RunCheck.class);
    check.replyTo().tell(new JobCommand.RunChecked(1, "run-a", false));
    JobEvent.JobRetryScheduled retry = awaitEvent(JobEvent.JobRetryScheduled.class);
    assertEquals(2, retry.attempt());
    assertTrue(retry.reason().contains("no longer runs"), retry.reason());
  }

  @Test
  void aLongRunIsNotRetriedWhileItsWorkerSaysItIsRunningButASilentOneIsAfterTheRunTimeout() {
    JobSettings shortRuns = new JobSettings(3, Duration.ofMillis(100), Duration.ofMillis(400), 0.0, 4,
        Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 1000, Duration.ofMillis(200), Duration.ZERO);
    var longJob = EventSourcedBehaviorTestKit.<JobCommand, JobEvent, JobState>create(testKit.system(),
        JobEntity.create("job-long", shortRuns, dispatcher.ref(), ResultDiscarder.NONE));
    longJob.<JobReply>runCommand(r -> new JobCommand.Submit(SPEC, r));
    TestProbe<Object> worker = testKit.createTestProbe();
    longJob.<StartReply>runCommand(r -> new JobCommand.Start(1, worker.ref(), "node-a", "run-a", r));
    longJob.runCommand(JobCommand.Wake.INSTANCE);
    worker.expectMessageClass(RunCheck.class).replyTo().tell(new JobCommand.RunChecked(1, "run-a", true));
    sleep(400);
    assertEquals(JobStatus.RUNNING, longJob.getState().status(), "past the run timeout, but its worker answered");
    longJob.runCommand(JobCommand.Wake.INSTANCE);
    worker.expectMessageClass(RunCheck.class); // and no answer this time
    within5s("a silent worker past the run timeout must be given up on").until(() -> longJob.getState().attempt() == 2);
    assertTrue(longJob.getState().error().contains("without its worker answering"), longJob.getState().error());
  }

  // ---- finished ----

  @Test
  void theAcceptedAttemptAskingAgainIsAcceptedAndAnyOtherResultIsDiscarded() {
    submit();
    start(1, testKit.createTestProbe().ref());
    job.<Ack>runCommand(r -> new JobCommand.Fail(1, "storage answered 503", true, r));
    awaitStartable(2);
    var done = job.<Ack>runCommand(r -> new JobCommand.Complete(2, "s3://results/job-1.attempt-2.json", JobTimings.NONE, r));
    assertTrue(done.reply().accepted());
    var again = job.<Ack>runCommand(r -> new JobCommand.Complete(2, "s3://results/job-1.attempt-2.json", JobTimings.NONE, r));
    assertTrue(again.reply().accepted(), "a lost acknowledgement is answered again");
    assertTrue(again.hasNoEvents());
    var stale = job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    assertFalse(stale.reply().accepted());
    assertTrue(stale.reply().discard());
    assertEquals("s3://results/job-1.attempt-2.json", job.getState().output(), "the accepted result stays the published one");
    assertEquals(List.of(1), poll(discarded), "what attempt 1 may have written before it was lost goes");
  }

  @Test
  void aJobCancelledWhileRunningDiscardsItsResultAndThatOfARunThatDiesAfterwards() {
    submit();
    ActorRef<Object> worker = testKit.spawn(Behaviors.empty());
    start(1, worker);
    job.<JobReply>runCommand(r -> new JobCommand.Cancel("client", r));
    assertEquals(List.of(1), poll(discarded));
    testKit.stop(worker);
    assertEquals(List.of(1), poll(discarded), "a run that wrote its result and died before reporting leaves nothing");
  }

  @Test
  void aJobThatSucceedsAtOnceDiscardsNothing() {
    submit();
    start(1, testKit.createTestProbe().ref());
    job.<Ack>runCommand(r -> new JobCommand.Complete(1, "s3://results/job-1.json", JobTimings.NONE, r));
    assertEquals(JobStatus.SUCCEEDED, job.getState().status());
    assertTrue(discarded.isEmpty());
  }

  private static List<Integer> poll(LinkedBlockingQueue<List<Integer>> queue) {
    try {
      return queue.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  // ---- helpers ----

  private void submit() {
    job.<JobReply>runCommand(r -> new JobCommand.Submit(SPEC, r));
  }

  /** A start by a new run (each delivery of a ticket is its own run). */
  private StartReply start(int attempt, ActorRef<?> worker) {
    return start(attempt, worker, java.util.UUID.randomUUID().toString());
  }

  private StartReply start(int attempt, ActorRef<?> worker, String run) {
    return job.<StartReply>runCommand(r -> new JobCommand.Start(attempt, worker, "node-a", run, r)).reply();
  }

  /** Waits out a retry's backoff, then starts the attempt. */
  private void awaitStartable(int attempt) {
    within5s("attempt " + attempt + " never became startable")
        .until(() -> start(attempt, testKit.createTestProbe().ref()).go());
  }

  private <E extends JobEvent> E awaitEvent(Class<E> type) {
    Object event = within5s("no " + type.getSimpleName() + " was persisted")
        .until(() -> job.persistenceTestKit().persistedInStorage(JobEntity.persistenceId("job-1").id()).stream()
            .filter(type::isInstance).findFirst(), Optional::isPresent).get();
    return type.cast(event);
  }

  /** Checked every 20 ms, on the test's thread (the behaviour test kit is not shared across threads), up to 5 s. */
  private static ConditionFactory within5s(String what) {
    return await(what).atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
        .pollInSameThread();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
