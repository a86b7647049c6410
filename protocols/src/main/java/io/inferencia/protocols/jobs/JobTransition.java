package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/**
 * One step of a job's history as clients see it (Server-Sent Events, gRPC Watch): the event's sequence
 * number, its name ({@code Submitted}, {@code Started}, ...), the status it led to, and its details.
 */
public record JobTransition(long seqNr, String event, JobStatus status, int attempt, long at, String detail)
    implements CborSerializable {}
