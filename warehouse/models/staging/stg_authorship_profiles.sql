-- stg_authorship_profiles — grain: one row per authorship whose OpenReview id answered with a plausible profile.
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
