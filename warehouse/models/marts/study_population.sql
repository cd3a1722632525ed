-- study_population: the study base, one row per (conference, year, track, tier, person), from the most confident
-- talent_records row of each person-year, with grad_status from person_education.

CREATE OR REPLACE VIEW study_population AS
WITH records AS (  -- test data (fictional fixture people) never enter a study view
    SELECT * FROM talent_records WHERE person_id IS NOT NULL AND NOT coalesce(test_data, false)
),
-- The graduate stage of a person-year is the one talent_records uses: PhD (priority 1), else master's (2), among
-- the degree rows (is_degree) that count for the conference year, and of those the best evidence tier
-- (precedence, etl.people.history). It is finished when such a row is known to be over by the year
-- (finished_from_year: a stated end year, or for observed bounds the first later snapshot of the profile
-- without the entry); otherwise the person is still enrolled.
grad_stages AS (
    SELECT person_id, CASE lower(stage) WHEN 'phd' THEN 1 WHEN 'masters' THEN 2 END AS priority, finished_from_year,
           precedence, counts_from_year, counts_to_year
    FROM person_education
    WHERE person_id IS NOT NULL AND is_degree AND lower(stage) IN ('phd', 'masters')
      AND country_or_null(country_code) IS NOT NULL
),
status AS (
    SELECT b.conference, b.year, b.person_id,
           CASE WHEN max(g.finished_from_year) <= b.year THEN 'graduated' ELSE 'enrolled' END AS grad_status
    FROM (SELECT DISTINCT conference, year, person_id FROM records) b
    JOIN grad_stages g ON g.person_id = b.person_id AND counts_in(g.counts_from_year, g.counts_to_year, b.year)
    GROUP BY b.conference, b.year, b.person_id, g.priority, g.precedence
    QUALIFY (g.priority, g.precedence) = min((g.priority, g.precedence))
        OVER (PARTITION BY b.conference, b.year, b.person_id)
),
best AS (
    SELECT conference, year, person_id,
           country_or_null(undergrad_country) AS origin_country,
           country_or_null(grad_country) AS grad_country,
           country_or_null(work_country) AS work_country,
           nullif(trim(work_institution_id), '') AS work_institution_id
    FROM records
    QUALIFY row_number() OVER (
        PARTITION BY conference, year, person_id
        ORDER BY confidence DESC NULLS LAST, work_country NULLS LAST, tier) = 1
),
tiers AS (  -- track 'all': every person, under the tier of all their papers; track 'main': main-track persons,
            -- under the tier of their main-track papers
    SELECT DISTINCT conference, year, person_id, 'all' AS track, lower(tier) AS tier
    FROM records WHERE tier IS NOT NULL AND lower(tier) <> 'all'
    UNION
    SELECT DISTINCT conference, year, person_id, 'all', 'all' FROM records
    UNION
    SELECT DISTINCT conference, year, person_id, 'main', lower(main_track_tier)
    FROM records WHERE track = 'main' AND main_track_tier IS NOT NULL AND lower(main_track_tier) <> 'all'
    UNION
    SELECT DISTINCT conference, year, person_id, 'main', 'all' FROM records WHERE track = 'main'
)
SELECT t.conference, t.year, t.track, t.tier, t.person_id,
       b.origin_country, b.grad_country, b.work_country, b.work_institution_id,
       CASE WHEN b.grad_country IS NOT NULL THEN s.grad_status END AS grad_status
FROM tiers t JOIN best b USING (conference, year, person_id)
LEFT JOIN status s USING (conference, year, person_id);
