package io.inferencia.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTransition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.testkit.javadsl.TestEntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The watch behind SSE and gRPC Watch, against a probe standing in for the job's entity. */
class JobWatcherTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final EntityTypeKey<JobCommand> KEY = EntityTypeKey.create(JobCommand.class, "Job");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anEntityThatForgotItsWatchersIsAskedAgainAndTheMissedTransitionsArrive() throws Exception {
    TestProbe<JobCommand> entity = testKit.createTestProbe();
    var done = watch("job-1", entity);
    JobCommand.Watch first = entity.expectMessageClass(JobCommand.Watch.class);
    assertEquals(0, first.afterSeqNr());
    first.subscriber().tell(JobCommand.WatchUpdate.of(transition(1, JobStatus.QUEUED)));
    // The entity restarts here and forgets the subscriber: nothing more comes on the first watch.
    JobCommand.Watch renewed = entity.expectMessageClass(JobCommand.Watch.class, Duration.ofSeconds(8));
    assertEquals(1, renewed.afterSeqNr(), "the renewal asks only for what the stream has not seen");
    renewed.subscriber().tell(JobCommand.WatchUpdate.of(transition(2, JobStatus.RUNNING)));
    renewed.subscriber().tell(JobCommand.WatchUpdate.of(transition(3, JobStatus.SUCCEEDED)));
    List<JobTransition> seen = done.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1L, 2L, 3L), seen.stream().map(JobTransition::seqNr).toList());
  }

  @Test
  void aTransitionSeenTwiceIsPassedOnOnce() throws Exception {
    TestProbe<JobCommand> entity = testKit.createTestProbe();
    var done = watch("job-2", entity);
    JobCommand.Watch watch = entity.expectMessageClass(JobCommand.Watch.class);
    watch.subscriber().tell(JobCommand.WatchUpdate.of(transition(1, JobStatus.QUEUED)));
    watch.subscriber().tell(JobCommand.WatchUpdate.of(transition(1, JobStatus.QUEUED)));
    watch.subscriber().tell(JobCommand.WatchUpdate.of(transition(2, JobStatus.CANCELLED)));
    assertEquals(List.of(1L, 2L), done.toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
        .map(JobTransition::seqNr).toList());
  }

  /** Watches the job from the start, with {@code entity} standing in for its entity. */
  private static java.util.concurrent.CompletionStage<List<JobTransition>> watch(String jobId, TestProbe<JobCommand> entity) {
    return JobWatcher.source(testKit.system(), TestEntityRef.of(KEY, jobId, entity.ref()), 0).runWith(Sink.seq(), testKit.system());
  }

  private static JobTransition transition(long seqNr, JobStatus status) {
    return new JobTransition(seqNr, status.name(), status, 1, System.currentTimeMillis(), "");
  }
}
