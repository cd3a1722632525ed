-- 036: build log. One row per finished build, so `talent status --check` can tell a warehouse whose raw
-- layer moved on after its last build (loaded but never rebuilt) and show the last build's warnings.
CREATE TABLE build_log (
    finished_at TIMESTAMPTZ NOT NULL,
    seconds DOUBLE NOT NULL,
    schema_version INTEGER NOT NULL,
    papers BIGINT,
    quarantined INTEGER NOT NULL,
    warnings JSON NOT NULL
);
COMMENT ON TABLE build_log IS 'Finished builds, newest last: when, how long, how many papers, rows quarantined and warnings (e.g. papers dropped against the previous build).';
COMMENT ON COLUMN build_log.finished_at IS 'When the build finished (every model ran).';
COMMENT ON COLUMN build_log.seconds IS 'Build wall time in seconds.';
COMMENT ON COLUMN build_log.schema_version IS 'Schema version the build ran against.';
COMMENT ON COLUMN build_log.papers IS 'Rows in core_papers after the build.';
COMMENT ON COLUMN build_log.quarantined IS 'Committed raw rows this build newly quarantined.';
COMMENT ON COLUMN build_log.warnings IS 'JSON list of warnings the build raised.';
