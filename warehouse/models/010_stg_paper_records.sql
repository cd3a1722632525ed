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
COMMENT ON VIEW stg_latest_records IS 'Staging: the version of each landed record seen by the newest crawl that saw it.';
COMMENT ON COLUMN stg_latest_records.source IS 'Spider name.';
COMMENT ON COLUMN stg_latest_records.record_key IS 'Stable key within the source.';
COMMENT ON COLUMN stg_latest_records.record_type IS 'paper or profile.';
COMMENT ON COLUMN stg_latest_records.raw_id IS 'Joins raw_records.raw_id (the version used).';
COMMENT ON COLUMN stg_latest_records.crawl_id IS 'Newest crawl that saw this record.';
COMMENT ON COLUMN stg_latest_records.source_url IS 'URL the version was parsed from.';
COMMENT ON COLUMN stg_latest_records.fetched_at IS 'When the spider landed this version.';
COMMENT ON COLUMN stg_latest_records.data IS 'The parsed record as landed (JSON).';

-- stg_paper_records — grain: one row per (source, record_key) of a paper, latest version.
-- Typed columns out of the landed JSON; the authors list stays nested for the core models to unnest.
CREATE OR REPLACE VIEW stg_paper_records AS
SELECT
    r.source,
    r.record_key,
    r.raw_id,
    r.crawl_id,
    r.source_url,
    r.fetched_at,
    r.data ->> 'conference' AS conference,
    CAST(r.data ->> 'year' AS INTEGER) AS year,
    r.data ->> 'paper_id' AS paper_id,
    r.data ->> 'title' AS title,
    r.data ->> 'track' AS track,
    r.data ->> 'tier' AS tier,
    r.data ->> 'decision' AS decision,
    r.data -> 'links' AS links,
    from_json(
        r.data -> 'authors',
        '[{"position": "INTEGER", "name": "VARCHAR", "institution": "VARCHAR",
           "source_id": "VARCHAR", "email_domain": "VARCHAR"}]'
    ) AS authors
FROM stg_latest_records r
WHERE r.record_type = 'paper';
COMMENT ON VIEW stg_paper_records IS 'Staging: latest version of each landed paper record per source, typed.';

-- Which source is authoritative for a conference-year's paper and author list: the first available of
-- OpenReview (ids of authors), proceedings (affiliations as printed), the virtual-site feed — among the
-- sources that are complete. A source holding fewer than 97% of the papers of the fullest source for that
-- conference-year is not complete (a truncated crawl, one stray record): it never replaces a full one.
-- 97% leaves room for the few papers sources legitimately disagree on (withdrawn, merged duplicates).
CREATE OR REPLACE VIEW stg_primary_sources AS
WITH per_source AS (
    SELECT conference, year, source, count(*) AS papers,
        CASE source WHEN 'openreview' THEN 1 WHEN 'neurips_proceedings' THEN 2 ELSE 3 END AS priority
    FROM stg_paper_records
    GROUP BY ALL
),
complete AS (
    SELECT * FROM per_source
    QUALIFY papers >= 0.97 * max(papers) OVER (PARTITION BY conference, year)
)
SELECT conference, year, arg_min(source, priority) AS source, arg_min(papers, priority) AS papers
FROM complete
GROUP BY conference, year;
COMMENT ON VIEW stg_primary_sources IS 'Staging: the source whose papers and authors are authoritative for each conference-year: the highest-priority source holding at least 97% of the fullest source''s papers.';
COMMENT ON COLUMN stg_primary_sources.conference IS 'Conference.';
COMMENT ON COLUMN stg_primary_sources.year IS 'Conference year.';
COMMENT ON COLUMN stg_primary_sources.source IS 'Authoritative source (spider name).';
COMMENT ON COLUMN stg_primary_sources.papers IS 'Papers that source holds for the conference-year.';
