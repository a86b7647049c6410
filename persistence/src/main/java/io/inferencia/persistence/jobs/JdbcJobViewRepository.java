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

  @Override
  public int countUnfinished(String tenant, int atMost) {
    // Bounded, so a tenant with a huge backlog costs at most atMost index entries (tenant, status index).
    String sql = "SELECT COUNT(*) FROM (SELECT 1 FROM job_view WHERE tenant = ? AND status IN ('QUEUED', 'RUNNING') LIMIT ?) t";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      ps.setInt(2, atMost);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("counting jobs failed: " + e.getMessage(), e);
    }
  }

  /** Where a sweep stopped: the last job it took, in (updated_at, job_id) order. */
  public record SweepPosition(long updatedAt, String jobId) {}

  /** An unfinished job the sweeper found, with its place in the sweep order. */
  public record StaleJob(String jobId, long updatedAt) {
    SweepPosition position() {
      return new SweepPosition(updatedAt, jobId);
    }
  }

  /**
   * Unfinished jobs whose last event is older than {@code updatedBefore} (epoch ms), oldest first,
   * after {@code after} (null: from the start). Paging on, rather than taking the oldest every time,
   * keeps a few jobs that stay stuck from hiding the rest.
   */
  public List<StaleJob> staleJobs(long updatedBefore, SweepPosition after, int limit) {
    String sql = "SELECT job_id, updated_at FROM job_view WHERE status IN ('QUEUED', 'RUNNING') AND updated_at < ?"
        + (after == null ? "" : " AND (updated_at > ? OR (updated_at = ? AND job_id > ?))")
        + " ORDER BY updated_at, job_id LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setLong(i++, updatedBefore);
      if (after != null) {
        ps.setLong(i++, after.updatedAt());
        ps.setLong(i++, after.updatedAt());
        ps.setString(i++, after.jobId());
      }
      ps.setInt(i, limit);
      List<StaleJob> jobs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) jobs.add(new StaleJob(rs.getString(1), rs.getLong(2)));
      }
      return jobs;
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
