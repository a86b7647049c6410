package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/** A unit of work handed from a job entity to the workers: run attempt {@code attempt} of {@code jobId}. */
public record JobTicket(String jobId, int attempt) implements CborSerializable {}
