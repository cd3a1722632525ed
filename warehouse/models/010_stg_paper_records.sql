-- stg_paper_records — grain: one row per (source, record_key), the version seen by the newest crawl.
-- Typed columns out of the landed JSON; the authors list stays nested for the core models to unnest.
CREATE OR REPLACE VIEW stg_paper_records AS
WITH latest_sighting AS (
    SELECT source, record_key, content_sha256, crawl_id
    FROM raw_record_sightings
    QUALIFY row_number() OVER (PARTITION BY source, record_key ORDER BY crawl_id DESC) = 1
)
SELECT
    r.source,
    r.record_key,
    r.raw_id,
    s.crawl_id,
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
FROM latest_sighting s
JOIN raw_records r USING (source, record_key, content_sha256)
WHERE r.record_type = 'paper';
COMMENT ON VIEW stg_paper_records IS 'Staging: latest version of each landed paper record per source, typed.';

-- Which source is authoritative for a conference-year's paper and author list: the first available of
-- OpenReview (ids of authors), proceedings (affiliations as printed), the virtual-site feed.
CREATE OR REPLACE VIEW stg_primary_sources AS
SELECT conference, year, arg_min(source, priority) AS source
FROM (
    SELECT DISTINCT conference, year, source,
        CASE source WHEN 'openreview' THEN 1 WHEN 'neurips_proceedings' THEN 2 ELSE 3 END AS priority
    FROM stg_paper_records
)
GROUP BY conference, year;
COMMENT ON VIEW stg_primary_sources IS 'Staging: the source whose papers and authors are authoritative for each conference-year.';
