-- 031: quarantine. Landed lines that fail their source's schema (warehouse/validate.py) and committed raw
-- rows that fail it at build time are set aside here with file, line and reason, never silently dropped
-- and never in the way of later files or builds.
CREATE TABLE raw_quarantine (
    file_name VARCHAR,
    line_no INTEGER,
    raw_id BIGINT,
    crawl_id VARCHAR,
    source VARCHAR,
    record_key VARCHAR,
    reason VARCHAR NOT NULL,
    line VARCHAR,
    quarantined_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE raw_quarantine IS 'Landed lines refused by the per-source schema (file_name, line_no) and committed raw_records rows skipped by the build (raw_id), with the reason; the line itself is kept for repair.';
COMMENT ON COLUMN raw_quarantine.file_name IS 'Landing (or rejects) file the line came from; NULL for a committed raw row.';
COMMENT ON COLUMN raw_quarantine.line_no IS 'Line number from 1 in that file; NULL for a committed raw row.';
COMMENT ON COLUMN raw_quarantine.raw_id IS 'raw_records.raw_id of a committed row the build skips; NULL for a refused line.';
COMMENT ON COLUMN raw_quarantine.crawl_id IS 'Crawl id when the line carried a readable one.';
COMMENT ON COLUMN raw_quarantine.source IS 'Source when the line carried a readable one.';
COMMENT ON COLUMN raw_quarantine.record_key IS 'Record key when the line carried a readable one.';
COMMENT ON COLUMN raw_quarantine.reason IS 'Which field failed and why.';
COMMENT ON COLUMN raw_quarantine.line IS 'The refused line or row data as text (first 65,536 characters).';
COMMENT ON COLUMN raw_quarantine.quarantined_at IS 'When it was set aside.';
