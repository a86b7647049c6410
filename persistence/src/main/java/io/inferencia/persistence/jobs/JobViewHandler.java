package io.inferencia.persistence.jobs;

import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.protocols.jobs.JobEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code job_view} in step with the journal, a group of events per transaction together with the
 * projection's offset. Each update only applies when its sequence number is newer than the row's, so
 * replays after a crash change nothing.
 */
public final class JobViewHandler extends JdbcHandler<List<EventEnvelope<JobEvent>>, PooledJdbcSession> {
  private static final int MAX_ERROR = 2000;

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<JobEvent>> envelopes) throws Exception {
    session.withConnection(conn -> {
      for (EventEnvelope<JobEvent> env : envelopes) apply(conn, jobId(env.persistenceId()), env.sequenceNr(), env.event());
      return null;
    });
  }

  static String jobId(String persistenceId) {
    int sep = persistenceId.indexOf('|');
    return sep < 0 ? persistenceId : persistenceId.substring(sep + 1);
  }

  private static void apply(Connection conn, String jobId, long seq, JobEvent event) throws SQLException {
    if (event instanceof JobEvent.JobSubmitted e) insert(conn, e, seq);
    else if (event instanceof JobEvent.JobStarted e)
      update(conn, jobId, seq, "status = 'RUNNING', attempts = ?", e.at(), ps -> ps.setInt(1, e.attempt()));
    else if (event instanceof JobEvent.JobSucceeded e)
      update(conn, jobId, seq, "status = 'SUCCEEDED', output_uri = ?, error = NULL", e.at(), ps -> ps.setString(1, e.output()));
    else if (event instanceof JobEvent.JobFailed e)
      update(conn, jobId, seq, "status = 'FAILED', error = ?", e.at(), ps -> ps.setString(1, clip(e.reason())));
    else if (event instanceof JobEvent.JobRetryScheduled e)
      update(conn, jobId, seq, "status = 'QUEUED', error = ?", e.at(), ps -> ps.setString(1, clip(e.reason())));
    else if (event instanceof JobEvent.JobCancelled e)
      update(conn, jobId, seq, "status = 'CANCELLED'", e.at(), ps -> {});
  }

  private static void insert(Connection conn, JobEvent.JobSubmitted e, long seq) throws SQLException {
    String sql = "INSERT INTO job_view (job_id, tenant, task, status, input_uri, attempts, created_at, updated_at, last_seq)"
        + " SELECT ?, ?, ?, 'QUEUED', ?, 0, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM job_view WHERE job_id = ?)";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, e.jobId());
      ps.setString(2, e.spec().tenant());
      ps.setString(3, e.spec().task());
      ps.setString(4, e.spec().input());
      ps.setLong(5, e.at());
      ps.setLong(6, e.at());
      ps.setLong(7, seq);
      ps.setString(8, e.jobId());
      ps.executeUpdate();
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** {@code set} binds its own parameters first; updated_at, last_seq and the key follow. */
  private static void update(Connection conn, String jobId, long seq, String set, long at, Binder binder)
      throws SQLException {
    String sql = "UPDATE job_view SET " + set + ", updated_at = ?, last_seq = ? WHERE job_id = ? AND last_seq < ?";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      int i = (int) set.chars().filter(ch -> ch == '?').count() + 1;
      ps.setLong(i++, at);
      ps.setLong(i++, seq);
      ps.setString(i++, jobId);
      ps.setLong(i, seq);
      ps.executeUpdate();
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
  }
}
