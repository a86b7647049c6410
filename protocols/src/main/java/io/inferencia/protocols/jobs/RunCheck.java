package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * From a job entity to the worker its running attempt was started on: does run {@code run} of attempt
 * {@code attempt} still execute there? Answered with {@link JobCommand.RunChecked}. A worker that gave
 * up on a run (its Start or its report never got through) answers false, and the attempt is retried.
 */
public record RunCheck(String jobId, int attempt, String run, ActorRef<JobCommand> replyTo) implements CborSerializable {}
