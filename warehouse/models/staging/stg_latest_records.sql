-- stg_latest_records — grain: one row per (source, record_key), the version seen by the newest crawl.
-- Every staging view of landed records starts here, so "latest version" means one thing everywhere.
-- A version in raw_quarantine (it fails its source's schema, warehouse/validate.py) is skipped: the
-- record falls back to the version of the newest crawl that saw a good one.
CREATE OR REPLACE VIEW stg_latest_records AS
WITH usable_sighting AS (
    SELECT s.source, s.record_key, s.crawl_id, r.raw_id
    FROM raw_record_sightings s
    JOIN raw_records r USING (source, record_key, content_sha256)
    WHERE NOT EXISTS (SELECT 1 FROM raw_quarantine q WHERE q.raw_id = r.raw_id)
    QUALIFY row_number() OVER (PARTITION BY s.source, s.record_key ORDER BY s.crawl_id DESC) = 1
)
SELECT r.source, r.record_key, r.record_type, r.raw_id, s.crawl_id, r.source_url, r.fetched_at, r.data
FROM usable_sighting s
JOIN raw_records r USING (raw_id);
