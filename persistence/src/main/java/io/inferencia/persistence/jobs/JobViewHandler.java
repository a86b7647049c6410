package io.inferencia.persistence.jobs;

import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.protocols.jobs.JobEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code job_view} in step with the journal, a group of events per transaction together with the
 * projection's offset. Each update only applies when its sequence number is newer than the row's, so
 * replays after a crash change nothing. The jobs' counts and durations ({@link JobMetrics}) are recorded
 * where a row changes, so a replay counts nothing either.
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
    if (event instanceof JobEvent.JobSubmitted e) {
      if (insert(conn, e, seq) == 1) JobMetrics.submitted(e.spec().task());
    } else if (event instanceof JobEvent.JobStarted e)
      update(conn, jobId, seq, "status = 'RUNNING', attempts = ?", e.at(), ps -> ps.setInt(1, e.attempt()));
    else if (event instanceof JobEvent.JobSucceeded e)
      finished(conn, jobId, "SUCCEEDED", e.at(), update(conn, jobId, seq, "status = 'SUCCEEDED', output_uri = ?, error = NULL",
          e.at(), ps -> ps.setString(1, e.output())));
    else if (event instanceof JobEvent.JobFailed e)
      finished(conn, jobId, "FAILED", e.at(),
          update(conn, jobId, seq, "status = 'FAILED', error = ?", e.at(), ps -> ps.setString(1, clip(e.reason()))));
    else if (event instanceof JobEvent.JobRetryScheduled e)
      update(conn, jobId, seq, "status = 'QUEUED', error = ?", e.at(), ps -> ps.setString(1, clip(e.reason())));
    else if (event instanceof JobEvent.JobCancelled e)
      finished(conn, jobId, "CANCELLED", e.at(), update(conn, jobId, seq, "status = 'CANCELLED'", e.at(), ps -> {}));
  }

  /** Counts a terminal status the first time the row takes it ({@code changed} rows), with its duration. */
  private static void finished(Connection conn, String jobId, String status, long at, int changed) throws SQLException {
    if (changed != 1) return;
    try (PreparedStatement ps = conn.prepareStatement("SELECT task, created_at FROM job_view WHERE job_id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) JobMetrics.finished(rs.getString(1), status, at - rs.getLong(2));
      }
    }
  }

  private static int insert(Connection conn, JobEvent.JobSubmitted e, long seq) throws SQLException {
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
      return ps.executeUpdate();
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** {@code set} binds its own parameters first; updated_at, last_seq and the key follow. */
  private static int update(Connection conn, String jobId, long seq, String set, long at, Binder binder)
      throws SQLException {
    String sql = "UPDATE job_view SET " + set + ", updated_at = ?, last_seq = ? WHERE job_id = ? AND last_seq < ?";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      int i = (int) set.chars().filter(ch -> ch == '?').count() + 1;
      ps.setLong(i++, at);
      ps.setLong(i++, seq);
      ps.setString(i++, jobId);
      ps.setLong(i, seq);
      return ps.executeUpdate();
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
  }
}
