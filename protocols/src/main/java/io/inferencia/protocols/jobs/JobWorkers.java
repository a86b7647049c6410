package io.inferencia.protocols.jobs;

import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The work-pulling contract between the job dispatcher (persistence) and the job workers (gpu-actors): each
 * worker registers a {@link ConsumerController} under {@link #SERVICE_KEY}, and the dispatcher's producer hands
 * a {@link JobTicket} only to a worker that asked for one.
 */
public final class JobWorkers {
  public static final ServiceKey<ConsumerController.Command<JobTicket>> SERVICE_KEY =
      ServiceKey.create(ConsumerController.serviceKeyClass(), "job-workers");

  private JobWorkers() {}
}
