-- stg_openreview_profiles — grain: one row per requested OpenReview profile id, newest crawl's version.
-- Typed view over the landed profile records (spider openreview_profiles); no resolution here.
CREATE OR REPLACE VIEW stg_openreview_profiles AS
SELECT
    r.record_key AS requested_id,
    r.data -> 'data' ->> 'profile_id' AS profile_id,
    r.data -> 'data' ->> 'status' AS status,
    CAST(r.data ->> 'hidden' AS BOOLEAN) AS hidden,
    r.data -> 'data' ->> 'preferred_name' AS preferred_name,
    list_transform(from_json(r.data -> 'data' -> 'names', '[{"fullname": "VARCHAR"}]'), lambda n: n.fullname) AS names,
    r.data -> 'data' ->> 'orcid' AS orcid,
    r.data -> 'data' ->> 'dblp_pid' AS dblp_pid,
    from_json(r.data -> 'data' -> 'email_domains', '["VARCHAR"]') AS email_domains,
    from_json(
        r.data -> 'data' -> 'history',
        '[{"position": "VARCHAR", "start": "INTEGER", "end": "INTEGER", "bounds": "VARCHAR",
           "institution": {"name": "VARCHAR", "domain": "VARCHAR", "country": "VARCHAR", "city": "VARCHAR",
                           "department": "VARCHAR"}}]'
    ) AS history,
    coalesce(CAST(r.data -> 'data' ->> 'test_data' AS BOOLEAN), false) AS test_data,
    r.source_url,
    r.fetched_at,
    r.crawl_id
FROM stg_latest_records r
WHERE r.source = 'openreview_profiles' AND r.record_type = 'profile';
