package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobViewRepository;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@link JobViewRepository} port on JDBC: queries on the jobs read side ({@code job_view}, kept by
 * {@link JobViewHandler}). Blocking JDBC: call only from a blocking dispatcher. Listing pages newest first with an opaque keyset cursor, so
 * pages stay stable while jobs are being added.
 */
public final class JdbcJobViewRepository implements JobViewRepository {
  private static final String COLUMNS =
      "job_id, tenant, task, status, input_uri, output_uri, error, attempts, created_at, updated_at";
  private final DataSource dataSource;

  public JdbcJobViewRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Page list(String tenant, JobStatus status, int limit, String cursor) {
    Cursor after = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM job_view WHERE tenant = ?");
    if (status != null) sql.append(" AND status = ?");
    if (after != null) sql.append(" AND (created_at < ? OR (created_at = ? AND job_id < ?))");
    sql.append(" ORDER BY created_at DESC, job_id DESC LIMIT ?");
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setString(i++, tenant);
      if (status != null) ps.setString(i++, status.name());
      if (after != null) {
        ps.setLong(i++, after.createdAt());
        ps.setLong(i++, after.createdAt());
        ps.setString(i++, after.jobId());
      }
      ps.setInt(i, limit + 1);
      List<Row> rows = rows(ps);
      if (rows.size() <= limit) return new Page(rows, null);
      List<Row> page = List.copyOf(rows.subList(0, limit));
      Row last = page.get(page.size() - 1);
      return new Page(page, new Cursor(last.createdAt(), last.jobId()).encode());
    } catch (SQLException e) {
      throw new IllegalStateException("listing jobs failed: " + e.getMessage(), e);
    }
  }

  /** Unfinished jobs whose last event is older than {@code updatedBefore} (epoch ms), oldest first. */
  public List<String> staleJobs(long updatedBefore, int limit) {
    String sql = "SELECT job_id FROM job_view WHERE status IN ('QUEUED', 'RUNNING') AND updated_at < ?"
        + " ORDER BY updated_at LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, updatedBefore);
      ps.setInt(2, limit);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException("finding stale jobs failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Row> find(String jobId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job_view WHERE job_id = ?")) {
      ps.setString(1, jobId);
      List<Row> rows = rows(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    } catch (SQLException e) {
      throw new IllegalStateException("reading job " + jobId + " failed: " + e.getMessage(), e);
    }
  }

  private static List<Row> rows(PreparedStatement ps) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next())
        out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), JobStatus.valueOf(rs.getString(4)),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getLong(10)));
    }
    return out;
  }

  /** The position after the last row of a page. */
  record Cursor(long createdAt, String jobId) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((createdAt + ":" + jobId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cursor '" + cursor + "' is not one this server issued");
      }
    }
  }
}
