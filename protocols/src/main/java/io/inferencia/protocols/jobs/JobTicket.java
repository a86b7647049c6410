package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/**
 * A unit of work handed from a job entity to the workers: run attempt {@code attempt} of {@code jobId}.
 * It carries the job's spec so that a worker can start reading and computing while the entity records
 * the start; only the entity's go-ahead lets a result be written.
 */
public record JobTicket(String jobId, int attempt, JobSpec spec) implements CborSerializable {}
