-- 040: build runs. One row per finished build with everything needed to trace a figure to what made it:
-- the inputs' hashes (people model, registry, corrections), code and package versions, seconds per model,
-- row counts per table and the checks the model files declare (warehouse/build_runs.py writes it).
CREATE TABLE build_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    seconds DOUBLE NOT NULL,
    schema_version INTEGER NOT NULL,
    code_version VARCHAR,
    package_versions JSON NOT NULL,
    input_hashes JSON NOT NULL,
    seconds_by_model JSON NOT NULL,
    row_counts JSON NOT NULL,
    checks_run INTEGER NOT NULL,
    checks_passed INTEGER NOT NULL,
    warnings JSON NOT NULL
);
COMMENT ON TABLE build_runs IS 'Finished builds, one row each: inputs'' hashes, code and package versions, seconds per model, row counts per table and checks run; build_log keeps the short summary status reads.';
COMMENT ON COLUMN build_runs.run_id IS 'Build id: UTC start time and a random suffix.';
COMMENT ON COLUMN build_runs.started_at IS 'When the build started.';
COMMENT ON COLUMN build_runs.finished_at IS 'When the build finished (every model ran and passed its checks).';
COMMENT ON COLUMN build_runs.seconds IS 'Build wall time in seconds.';
COMMENT ON COLUMN build_runs.schema_version IS 'Schema version the build ran against.';
COMMENT ON COLUMN build_runs.code_version IS 'talent-tracker version and git commit of the code that built (NULL parts when unknown).';
COMMENT ON COLUMN build_runs.package_versions IS 'JSON: versions of python, duckdb, pyarrow and pyyaml.';
COMMENT ON COLUMN build_runs.input_hashes IS 'JSON: hashes of what the build read besides the raw tables (people model, registry inputs, corrections file), the corrections path and the minimum n behind small_n.';
COMMENT ON COLUMN build_runs.seconds_by_model IS 'JSON: seconds each model took, by model stem, in build order.';
COMMENT ON COLUMN build_runs.row_counts IS 'JSON: rows of each table and view the models created, by name.';
COMMENT ON COLUMN build_runs.checks_run IS 'Model checks run (columns documented, grain unique, not_null).';
COMMENT ON COLUMN build_runs.checks_passed IS 'Model checks passed (a failed check stops the build, so equal to checks_run).';
COMMENT ON COLUMN build_runs.warnings IS 'JSON list of warnings the build raised.';
