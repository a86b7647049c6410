package io.inferencia.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.Ack;
import io.inferencia.protocols.jobs.JobCommand.JobError;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobCommand.StartReply;
import io.inferencia.protocols.jobs.JobCommand.WatchUpdate;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobProgress;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.storage.S3Uri;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every job message that can cross nodes (commands, replies, events, state, tickets) goes through
 * jackson-cbor and comes back equal, references included.
 */
class JobMessageSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyJobMessageRoundTripsThroughCbor() {
    TestProbe<Object> probe = testKit.createTestProbe();
    JobSpec spec = new JobSpec("acme", "ocr", "s3://intake/acme/a.png", Map.of("lang", "en"), 42, "image/png",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    JobTransition t = new JobTransition(2, "Started", JobStatus.RUNNING, 1, 1000, "node-a");
    JobView view = new JobView("j", "acme", "ocr", spec.input(), JobStatus.SUCCEEDED, 1, 2, 1, "", "s3://results/j.json",
        new JobTimings(1, 2, 3));
    List<Object> messages = List.of(
        new JobCommand.Submit(spec, probe.ref().narrow()),
        new JobCommand.Get(probe.ref().narrow()),
        new JobCommand.Cancel("client", probe.ref().narrow()),
        new JobCommand.Watch(3, probe.ref().narrow()),
        new JobCommand.Unwatch(probe.ref().narrow()),
        new JobCommand.Start(1, probe.ref(), "node-a", "run-1", probe.ref().narrow()),
        new JobCommand.Complete(1, "s3://results/j.json", new JobTimings(1, 2, 3), probe.ref().narrow()),
        new JobCommand.Fail(1, "timeout", true, probe.ref().narrow()),
        new JobCommand.Fail(2, "object storage is unavailable", true, true, probe.ref().narrow()),
        JobCommand.Wake.INSTANCE,
        new JobCommand.Enqueued(2),
        new JobCommand.EnqueueDue(2),
        new JobCommand.WorkerLost(1),
        new JobCommand.RunChecked(1, "run-1", true),
        new JobCommand.RunCheckTimedOut(1),
        new io.inferencia.protocols.jobs.RunCheck("j", 1, "run-1", probe.ref().narrow()),
        JobCommand.Passivate.INSTANCE,
        JobReply.of(view),
        JobReply.error(JobError.Kind.CONFLICT, "used"),
        new StartReply(true, "j", 1, spec, ""),
        new Ack(false, true, "cancelled"),
        WatchUpdate.of(t),
        WatchUpdate.suspendedUpdate(),
        new JobTicket("j", 2, spec),
        new JobDispatcher.Enqueue(new JobTicket("j", 2, spec), probe.ref().narrow()),
        new JobDispatcher.Withdraw("j"),
        new JobEvent.JobSubmitted("j", spec, 1),
        new JobEvent.JobStarted(1, "pekko://x@h:1/user/w#1", "node-a", "run-1", 2),
        new JobEvent.JobSucceeded(1, "s3://results/j.json", new JobTimings(1, 2, 3), 3),
        new JobEvent.JobFailed(1, "bad", 4),
        new JobEvent.JobRetryScheduled(2, 10, "503", 5),
        new JobEvent.JobRetryScheduled(3, 10, "waiting for a dependency: 503", 5, true),
        new JobEvent.JobCancelled("client", 6),
        new JobEvent.JobProgressed(1, 1024, 4096, 7),
        new JobCommand.Progress(1, 1024, 4096),
        new JobView("j", "acme", "stego.encode", spec.input(), JobStatus.RUNNING, 1, 2, 1, "", "",
            JobTimings.NONE, new JobProgress(1024, 4096)),
        JobState.empty().apply(new JobEvent.JobSubmitted("j", spec, 1)).apply(new JobEvent.JobStarted(1, "w", "n", "run-1", 2)),
        new S3Uri("intake", "acme/a.png"));
    for (Object m : messages) {
      assertTrue(serialization.findSerializerFor(m) instanceof JacksonCborSerializer, m.getClass() + " must use jackson-cbor");
      byte[] bytes = serialization.serialize(m).get();
      Object back = serialization.deserialize(bytes, serialization.findSerializerFor(m).identifier(),
          Serializers.manifestFor(serialization.findSerializerFor(m), m)).get();
      assertEquals(m, back, m.getClass().getSimpleName());
    }
  }
}
