-- Journal, tags and snapshots in the layout pekko-persistence-jdbc 1.1 reads and writes (its H2 profile
-- quotes lower-case names), then the jobs read side. Every statement is idempotent: run on each start.
CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
  "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
  "deleted" BOOLEAN DEFAULT FALSE NOT NULL,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  "event_payload" BLOB NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "meta_payload" BLOB,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  PRIMARY KEY ("persistence_id", "sequence_number")
);
CREATE UNIQUE INDEX IF NOT EXISTS "event_journal_ordering_idx" ON PUBLIC."event_journal" ("ordering");
CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY ("event_id", "tag"),
  CONSTRAINT "fk_event_journal" FOREIGN KEY ("event_id") REFERENCES PUBLIC."event_journal" ("ordering") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BLOB NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BLOB,
  PRIMARY KEY ("persistence_id", "sequence_number")
);
-- One row per job, maintained by the jobs projection; last_seq makes every update idempotent.
CREATE TABLE IF NOT EXISTS job_view (
  job_id VARCHAR(64) PRIMARY KEY,
  tenant VARCHAR(128) NOT NULL,
  task VARCHAR(256) NOT NULL,
  status VARCHAR(16) NOT NULL,
  input_uri VARCHAR(1100) NOT NULL,
  output_uri VARCHAR(1100),
  error VARCHAR(2000),
  attempts INT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_seq BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_view_by_tenant ON job_view (tenant, created_at, job_id);
CREATE INDEX IF NOT EXISTS job_view_by_tenant_status ON job_view (tenant, status, created_at, job_id);
CREATE INDEX IF NOT EXISTS job_view_by_status_age ON job_view (status, updated_at);
