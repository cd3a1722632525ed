-- stg_orcid_records — grain: one row per ORCID iD, newest landed record (spider orcid), sections still JSON.
CREATE OR REPLACE VIEW stg_orcid_records AS
SELECT
    r.record_key AS orcid,
    r.data -> 'data' ->> 'status' AS status,
    r.data -> 'data' ->> 'name' AS name,
    r.data -> 'data' -> 'educations' AS educations,
    r.data -> 'data' -> 'employments' AS employments,
    coalesce(CAST(r.data -> 'data' ->> 'test_data' AS BOOLEAN), false) AS test_data,
    r.source_url,
    r.fetched_at
FROM stg_latest_records r
WHERE r.source = 'orcid' AND r.record_type = 'profile';
