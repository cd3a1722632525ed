-- stg_openreview_profiles — grain: one row per requested OpenReview profile id, newest crawl's version.
-- stg_profile_history — grain: one row per history entry of each distinct profile (profile_id, entry_no).
-- stg_authorship_profiles — grain: one row per authorship whose OpenReview id answered with a plausible profile.
-- stg_orcid_records / stg_orcid_affiliations — grain: one row per ORCID iD / per education or employment.
-- Typed views over the landed profile records (spiders openreview_profiles and orcid); no resolution here.
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
COMMENT ON VIEW stg_openreview_profiles IS 'Staging: newest landed answer per requested OpenReview profile id (found, hidden or missing), typed.';

CREATE OR REPLACE VIEW stg_profile_history AS
WITH profiles AS (
    SELECT * FROM stg_openreview_profiles WHERE status = 'found'
    QUALIFY row_number() OVER (PARTITION BY profile_id ORDER BY fetched_at DESC, requested_id) = 1
)
SELECT
    profile_id,
    generate_subscripts(history, 1) AS entry_no,
    unnest(history) AS entry,
    test_data
FROM profiles;
COMMENT ON VIEW stg_profile_history IS 'Staging: history entries (position, institution, start/end years) of each distinct found profile.';

-- The API may answer an id with another profile (merged accounts; and the bundled data link a few ids
-- to the wrong person). A profile under another id is only taken when one of its names matches the name
-- printed on the paper (Jaro-Winkler >= 0.85 on lower-cased, token-sorted names).
-- Test data stop here: a profile marked test_data (the mirror's fictional researchers) links only to
-- authorships of papers marked test_data (stg_test_data_papers: the fictional fixture venue), never to a
-- real authorship, so it can describe no real person. This view is the only way from a profile to an
-- authorship; the persons of test-data papers are then kept out of study views, exports and the report.
CREATE OR REPLACE VIEW stg_authorship_profiles AS
WITH candidates AS (
    SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.author_source_id AS requested_id,
           p.profile_id, p.orcid, p.dblp_pid, p.preferred_name, p.test_data,
           list_max(list_transform(p.names, lambda n: jaro_winkler_similarity(
               array_to_string(list_sort(string_split(lower(n), ' ')), ' '),
               array_to_string(list_sort(string_split(lower(a.author_name), ' ')), ' ')))) AS name_similarity
    FROM core_authorships a
    JOIN stg_openreview_profiles p ON p.requested_id = a.author_source_id AND p.status = 'found'
    WHERE NOT p.test_data OR EXISTS (
        SELECT 1 FROM stg_test_data_papers t
        WHERE t.conference = a.conference AND t.year = a.year AND t.paper_id = a.paper_id)
)
SELECT * FROM candidates
WHERE profile_id = requested_id OR coalesce(name_similarity, 0) >= 0.85;
COMMENT ON VIEW stg_authorship_profiles IS 'Staging: the OpenReview profile of each authorship, when the profile answered under the id on the paper or under another id with a matching name; profiles marked test_data link only to test-data papers.';

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
COMMENT ON VIEW stg_orcid_records IS 'Staging: newest landed ORCID record per iD (found or missing), sections still JSON.';

CREATE OR REPLACE VIEW stg_orcid_affiliations AS
WITH sections AS (
    SELECT orcid, 'education' AS section,
        from_json(educations, '[{"role_title": "VARCHAR", "department": "VARCHAR",
            "start": {"year": "INTEGER", "month": "INTEGER"}, "end": {"year": "INTEGER", "month": "INTEGER"},
            "organization": {"name": "VARCHAR", "city": "VARCHAR", "region": "VARCHAR", "country": "VARCHAR",
                             "disambiguated_id": "VARCHAR", "disambiguation_source": "VARCHAR"}}]') AS entries
    FROM stg_orcid_records WHERE status = 'found'
    UNION ALL
    SELECT orcid, 'employment',
        from_json(employments, '[{"role_title": "VARCHAR", "department": "VARCHAR",
            "start": {"year": "INTEGER", "month": "INTEGER"}, "end": {"year": "INTEGER", "month": "INTEGER"},
            "organization": {"name": "VARCHAR", "city": "VARCHAR", "region": "VARCHAR", "country": "VARCHAR",
                             "disambiguated_id": "VARCHAR", "disambiguation_source": "VARCHAR"}}]')
    FROM stg_orcid_records WHERE status = 'found'
),
entries AS (
    SELECT orcid, section, generate_subscripts(entries, 1) AS entry_no, unnest(entries) AS e FROM sections
)
SELECT
    orcid, section, entry_no,
    e.role_title, e.department,
    e.start.year AS start_year, e.start.month AS start_month,
    e."end".year AS end_year, e."end".month AS end_month,
    e.organization.name AS organization_name,
    e.organization.city AS city,
    e.organization.country AS country,
    e.organization.disambiguated_id AS disambiguated_id,
    e.organization.disambiguation_source AS disambiguation_source
FROM entries;
COMMENT ON VIEW stg_orcid_affiliations IS 'Staging: one row per ORCID education or employment entry, dates partial (month may be NULL).';

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
COMMENT ON VIEW stg_homepage_statements IS 'Staging: one row per degree a homepage states, per OpenReview profile id that lists the page (test_data marks the fictional pages).';
COMMENT ON COLUMN stg_homepage_statements.page_url IS 'URL of the page that states the degree.';
COMMENT ON COLUMN stg_homepage_statements.profile_id IS 'OpenReview profile id whose homepage led to the page.';
COMMENT ON COLUMN stg_homepage_statements.statement_no IS 'Position of the statement on the page, from 1.';
COMMENT ON COLUMN stg_homepage_statements.stage IS 'undergrad, masters or phd.';
COMMENT ON COLUMN stg_homepage_statements.institution_name IS 'Institution as the page writes it.';
COMMENT ON COLUMN stg_homepage_statements.institution_id IS 'Registry institution the extractor resolved; NULL when unresolved.';
COMMENT ON COLUMN stg_homepage_statements.country_code IS 'ISO alpha-2 country of the institution; NULL when unresolved.';
COMMENT ON COLUMN stg_homepage_statements.start_year IS 'Start year when the page states it.';
COMMENT ON COLUMN stg_homepage_statements.end_year IS 'End (or expected) year when the page states it.';
COMMENT ON COLUMN stg_homepage_statements.confidence IS 'Extractor confidence, 0-1.';
COMMENT ON COLUMN stg_homepage_statements.evidence IS 'The span of the page that states the degree (at most 200 characters).';
COMMENT ON COLUMN stg_homepage_statements.test_data IS 'True when the page marks itself as fictional test data.';
COMMENT ON COLUMN stg_homepage_statements.fetched_at IS 'When the page was fetched.';

-- Column documentation (an analyst's DESCRIBE explains itself).
COMMENT ON COLUMN stg_openreview_profiles.requested_id IS 'Profile id asked for (as printed on a paper: ~First_Last1).';
COMMENT ON COLUMN stg_openreview_profiles.profile_id IS 'Profile id that answered (differs for merged accounts); NULL when missing.';
COMMENT ON COLUMN stg_openreview_profiles.status IS 'found, hidden or missing.';
COMMENT ON COLUMN stg_openreview_profiles.hidden IS 'True when the profile exists but is hidden from guests.';
COMMENT ON COLUMN stg_openreview_profiles.preferred_name IS 'Preferred full name on the profile.';
COMMENT ON COLUMN stg_openreview_profiles.names IS 'All full names on the profile.';
COMMENT ON COLUMN stg_openreview_profiles.orcid IS 'ORCID iD linked from the profile.';
COMMENT ON COLUMN stg_openreview_profiles.dblp_pid IS 'DBLP person id linked from the profile.';
COMMENT ON COLUMN stg_openreview_profiles.email_domains IS 'Email domains of the profile (addresses are never stored).';
COMMENT ON COLUMN stg_openreview_profiles.history IS 'Career history: position, institution (name, domain, ISO country, city, department), start and end years, and bounds: observed (first/last year a snapshot showed the entry: began no later than start, ended no earlier than end) or stated.';
COMMENT ON COLUMN stg_openreview_profiles.test_data IS 'True for the fictional test profiles the mirror serves (never real data).';
COMMENT ON COLUMN stg_openreview_profiles.source_url IS 'URL the profile was parsed from.';
COMMENT ON COLUMN stg_openreview_profiles.fetched_at IS 'When the spider landed the profile.';
COMMENT ON COLUMN stg_openreview_profiles.crawl_id IS 'Newest crawl that saw this version.';
COMMENT ON COLUMN stg_profile_history.profile_id IS 'OpenReview profile id.';
COMMENT ON COLUMN stg_profile_history.entry_no IS 'Position of the entry in the profile history, from 1.';
COMMENT ON COLUMN stg_profile_history.entry IS 'The history entry: position, start, end, institution.';
COMMENT ON COLUMN stg_profile_history.test_data IS 'True for fictional test profiles.';
COMMENT ON COLUMN stg_authorship_profiles.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN stg_authorship_profiles.year IS 'Conference year.';
COMMENT ON COLUMN stg_authorship_profiles.paper_id IS 'Joins papers.paper_id.';
COMMENT ON COLUMN stg_authorship_profiles.author_position IS 'Position in the author list, from 1.';
COMMENT ON COLUMN stg_authorship_profiles.author_name IS 'Name as printed on the paper.';
COMMENT ON COLUMN stg_authorship_profiles.requested_id IS 'Profile id printed on the paper.';
COMMENT ON COLUMN stg_authorship_profiles.profile_id IS 'Profile id that answered.';
COMMENT ON COLUMN stg_authorship_profiles.orcid IS 'ORCID iD from the profile.';
COMMENT ON COLUMN stg_authorship_profiles.dblp_pid IS 'DBLP person id from the profile.';
COMMENT ON COLUMN stg_authorship_profiles.preferred_name IS 'Preferred name on the profile.';
COMMENT ON COLUMN stg_authorship_profiles.test_data IS 'True when the profile is fictional test data (then the paper is a test-data paper too).';
COMMENT ON COLUMN stg_authorship_profiles.name_similarity IS 'Best Jaro-Winkler similarity of the paper name to a profile name (token-sorted, lower-cased).';
COMMENT ON COLUMN stg_orcid_records.orcid IS 'ORCID iD.';
COMMENT ON COLUMN stg_orcid_records.status IS 'found or missing.';
COMMENT ON COLUMN stg_orcid_records.name IS 'Name on the ORCID record.';
COMMENT ON COLUMN stg_orcid_records.educations IS 'Education entries (JSON), as parsed.';
COMMENT ON COLUMN stg_orcid_records.employments IS 'Employment entries (JSON), as parsed.';
COMMENT ON COLUMN stg_orcid_records.test_data IS 'True for fictional test records.';
COMMENT ON COLUMN stg_orcid_records.source_url IS 'URL the record was parsed from.';
COMMENT ON COLUMN stg_orcid_records.fetched_at IS 'When the spider landed the record.';
COMMENT ON COLUMN stg_orcid_affiliations.orcid IS 'ORCID iD.';
COMMENT ON COLUMN stg_orcid_affiliations.section IS 'education or employment.';
COMMENT ON COLUMN stg_orcid_affiliations.entry_no IS 'Position of the entry in its section, from 1.';
COMMENT ON COLUMN stg_orcid_affiliations.role_title IS 'Role title as entered (degree or job title).';
COMMENT ON COLUMN stg_orcid_affiliations.department IS 'Department name.';
COMMENT ON COLUMN stg_orcid_affiliations.start_year IS 'Start year (NULL when not given).';
COMMENT ON COLUMN stg_orcid_affiliations.start_month IS 'Start month (NULL when not given).';
COMMENT ON COLUMN stg_orcid_affiliations.end_year IS 'End year (NULL when ongoing or not given).';
COMMENT ON COLUMN stg_orcid_affiliations.end_month IS 'End month (NULL when not given).';
COMMENT ON COLUMN stg_orcid_affiliations.organization_name IS 'Organisation name.';
COMMENT ON COLUMN stg_orcid_affiliations.city IS 'Organisation city.';
COMMENT ON COLUMN stg_orcid_affiliations.country IS 'Organisation country (ISO alpha-2 as ORCID gives it).';
COMMENT ON COLUMN stg_orcid_affiliations.disambiguated_id IS 'Organisation identifier (ROR, GRID, Ringgold or FundRef).';
COMMENT ON COLUMN stg_orcid_affiliations.disambiguation_source IS 'Scheme of disambiguated_id: ROR, GRID, RINGGOLD or FUNDREF.';
