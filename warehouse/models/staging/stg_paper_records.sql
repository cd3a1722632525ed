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
