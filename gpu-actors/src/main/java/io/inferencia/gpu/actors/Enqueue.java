package io.inferencia.gpu.actors;

import io.inferencia.gpu.sequence.SequenceScheduler;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.InferRequest;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The one request protocol of whatever serves a model version (Triton's {@code Scheduler::Enqueue}):
 * a device's dynamic batcher, a round-robin over several of them, the sequence scheduler or a
 * pipeline. The request names its version; the server checks it against the model's config.
 */
public record Enqueue(InferRequest request, ActorRef<InferResult> replyTo)
    implements ModelBatcher.Command, SequenceScheduler.Command, RoundRobin.Command, PipelineServer.Command,
        CborSerializable {}
