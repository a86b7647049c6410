package io.inferencia.edge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobStore;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

/** Submissions whose first call goes unanswered, against a store that answers as scripted. */
class JobsClientTest {
  private static final JobSpec SPEC = new JobSpec("acme", "ocr", "s3://intake/acme/a.png", Map.of(), 10, "image/png");

  @Test
  void aSubmissionStoredAfterTheStoreGaveUpWaitingIsAnsweredWithTheJob() throws Exception {
    ScriptedStore store = new ScriptedStore(List.of(unanswered(), CompletableFuture.completedFuture(view("job-1"))));
    JobView view = new JobsClient(store, Duration.ofSeconds(10)).submit("job-1", SPEC).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals("job-1", view.jobId());
    assertEquals(2, store.submits, "asked once more, which a stored job answers as it is");
  }

  @Test
  void anUnconfirmedSubmissionTellsTheClientThatResubmittingIsSafe() {
    ScriptedStore store = new ScriptedStore(List.of(unanswered(), unanswered()));
    var submitted = new JobsClient(store, Duration.ofSeconds(10)).submit("job-2", SPEC).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> submitted.get(5, TimeUnit.SECONDS));
    ApiProblem problem = assertInstanceOf(ApiProblem.class, e.getCause());
    assertEquals(503, problem.status());
    assertTrue(problem.getMessage().contains("same Idempotency-Key"), problem.getMessage());
  }

  private static CompletionStage<JobView> unanswered() {
    return CompletableFuture.failedFuture(new TimeoutException("no answer"));
  }

  private static JobView view(String jobId) {
    return new JobView(jobId, "acme", "ocr", SPEC.input(), JobStatus.QUEUED, 1, 1, 0, "", "", JobTimings.NONE);
  }

  /** Answers submissions from a script; nothing else is used here. */
  private static final class ScriptedStore implements JobStore {
    private final Deque<CompletionStage<JobView>> answers;
    int submits;

    ScriptedStore(List<CompletionStage<JobView>> answers) {
      this.answers = new ArrayDeque<>(answers);
    }

    @Override
    public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
      submits++;
      return answers.removeFirst();
    }

    @Override
    public CompletionStage<JobView> get(String jobId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<JobView> cancel(String jobId, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr) {
      throw new UnsupportedOperationException();
    }
  }
}
