-- 001: raw layer. Append-only tables: every landed record version with its provenance.
CREATE TABLE raw_crawls (
    crawl_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    manifest JSON,
    lines_in_file INTEGER NOT NULL,
    records_added INTEGER NOT NULL,
    bad_lines INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (crawl_id, file_sha256)
);
COMMENT ON TABLE raw_crawls IS 'One row per landing file loaded (a crawl file re-loaded after a resume appears again with its new hash).';
COMMENT ON COLUMN raw_crawls.crawl_id IS 'Crawl id written by the spider (UTC time, source, random suffix).';
COMMENT ON COLUMN raw_crawls.source IS 'Spider name: neurips_virtual, neurips_proceedings, openreview, …';
COMMENT ON COLUMN raw_crawls.file_name IS 'Landing file name (no directory).';
COMMENT ON COLUMN raw_crawls.file_sha256 IS 'SHA-256 of the landing file bytes at load time.';
COMMENT ON COLUMN raw_crawls.manifest IS 'The crawl manifest (finish reason and Scrapy stats) when the crawl had closed.';
COMMENT ON COLUMN raw_crawls.lines_in_file IS 'Record lines read from the file.';
COMMENT ON COLUMN raw_crawls.records_added IS 'Record versions new to raw_records (0 when everything was seen before).';
COMMENT ON COLUMN raw_crawls.bad_lines IS 'Lines that could not be read (listed in raw_load_errors).';
COMMENT ON COLUMN raw_crawls.loaded_at IS 'When this file was loaded.';

CREATE SEQUENCE raw_record_id_seq;
CREATE TABLE raw_records (
    raw_id BIGINT PRIMARY KEY DEFAULT nextval('raw_record_id_seq'),
    crawl_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    record_type VARCHAR NOT NULL,
    record_key VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    body_sha256 VARCHAR NOT NULL,
    data JSON NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (source, record_key, content_sha256)
);
COMMENT ON TABLE raw_records IS 'Every distinct version of every landed record (append-only). A record seen again unchanged adds only a sighting.';
COMMENT ON COLUMN raw_records.raw_id IS 'Surrogate key, increasing in load order.';
COMMENT ON COLUMN raw_records.crawl_id IS 'Crawl that first landed this version.';
COMMENT ON COLUMN raw_records.source IS 'Spider name that produced the record.';
COMMENT ON COLUMN raw_records.record_type IS 'paper or profile.';
COMMENT ON COLUMN raw_records.record_key IS 'Stable key within the source, e.g. neurips/2022/<forum id>.';
COMMENT ON COLUMN raw_records.content_sha256 IS 'SHA-256 of the canonical JSON of data: equal hashes mean an unchanged record.';
COMMENT ON COLUMN raw_records.source_url IS 'URL of the response the record was parsed from.';
COMMENT ON COLUMN raw_records.fetched_at IS 'When the spider landed the record.';
COMMENT ON COLUMN raw_records.body_sha256 IS 'SHA-256 of the HTTP response body the record came from.';
COMMENT ON COLUMN raw_records.data IS 'The parsed record as landed (JSON).';
COMMENT ON COLUMN raw_records.loaded_at IS 'When this version entered the warehouse.';

CREATE TABLE raw_record_sightings (
    crawl_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    record_key VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    PRIMARY KEY (crawl_id, source, record_key)
);
COMMENT ON TABLE raw_record_sightings IS 'Which crawl saw which version of which record: the basis of crawl diffs.';
COMMENT ON COLUMN raw_record_sightings.crawl_id IS 'Crawl that saw the record.';
COMMENT ON COLUMN raw_record_sightings.source IS 'Spider name.';
COMMENT ON COLUMN raw_record_sightings.record_key IS 'Record key within the source.';
COMMENT ON COLUMN raw_record_sightings.content_sha256 IS 'Version seen (joins raw_records.content_sha256).';

CREATE TABLE raw_rejects (
    crawl_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    status INTEGER,
    reason VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (crawl_id, url, reason, seen_at)
);
COMMENT ON TABLE raw_rejects IS 'Responses a crawl could not use (malformed, truncated, failed after retries), with URL and reason.';
COMMENT ON COLUMN raw_rejects.crawl_id IS 'Crawl that met the problem.';
COMMENT ON COLUMN raw_rejects.source IS 'Spider name.';
COMMENT ON COLUMN raw_rejects.url IS 'Request URL.';
COMMENT ON COLUMN raw_rejects.status IS 'HTTP status when there was a response.';
COMMENT ON COLUMN raw_rejects.reason IS 'What was wrong.';
COMMENT ON COLUMN raw_rejects.seen_at IS 'When the spider recorded it.';

CREATE TABLE raw_load_errors (
    file_name VARCHAR NOT NULL,
    line_no INTEGER NOT NULL,
    problem VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE raw_load_errors IS 'Landing-file lines the loader could not read, by file and line.';
COMMENT ON COLUMN raw_load_errors.file_name IS 'Landing file name.';
COMMENT ON COLUMN raw_load_errors.line_no IS 'Line number from 1.';
COMMENT ON COLUMN raw_load_errors.problem IS 'Why the line was refused.';
COMMENT ON COLUMN raw_load_errors.loaded_at IS 'When the load ran.';
