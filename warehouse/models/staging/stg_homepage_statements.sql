-- stg_homepage_statements — grain: one row per (homepage page, profile id listing it, degree statement).
-- The degrees a researcher's homepage states (spider homepages, extractor etl.education.homepage_extract):
-- stage, institution as written and as resolved, years if stated, the extractor's confidence and evidence.
CREATE OR REPLACE VIEW stg_homepage_statements AS
WITH pages AS (
    SELECT r.record_key AS page_url,
           from_json(r.data -> 'data' -> 'profile_ids', '["VARCHAR"]') AS profile_ids,
           from_json(r.data -> 'data' -> 'statements',
                     '[{"stage": "VARCHAR", "institution_name": "VARCHAR", "institution_id": "VARCHAR",
                        "country_code": "VARCHAR", "start_year": "INTEGER", "end_year": "INTEGER",
                        "confidence": "DOUBLE", "evidence": "VARCHAR"}]') AS statements,
           coalesce(CAST(r.data -> 'data' ->> 'test_data' AS BOOLEAN), false) AS test_data,
           r.fetched_at
    FROM stg_latest_records r
    WHERE r.source = 'homepages' AND r.record_type = 'homepage'
),
statements AS (
    SELECT page_url, profile_ids, test_data, fetched_at, generate_subscripts(statements, 1) AS statement_no,
           unnest(statements) AS s
    FROM pages
)
SELECT page_url, unnest(profile_ids) AS profile_id, statement_no, s.stage, s.institution_name,
       s.institution_id, upper(s.country_code) AS country_code, s.start_year, s.end_year, s.confidence,
       s.evidence, test_data, fetched_at
FROM statements
WHERE s.stage IN ('undergrad', 'masters', 'phd');
