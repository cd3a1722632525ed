-- study_value_counts(dimension): persons per value of one dimension, per (conference, year, track, tier), whole
-- and fractional, with the totals the shares divide by; the country views and the top-25 institutions read it.

CREATE OR REPLACE MACRO study_value_counts(wanted) AS TABLE
WITH pop AS (
    SELECT conference, year, track, tier, person_id,
           CASE wanted WHEN 'origin_country' THEN origin_country WHEN 'grad_country' THEN grad_country
                       WHEN 'work_country' THEN work_country WHEN 'work_institution' THEN work_institution_id
           END AS value
    FROM study_population
),
shares AS (SELECT * FROM study_shares_of(wanted)),
totals AS (
    SELECT p.conference, p.year, p.track, p.tier, count(*) AS n, count(p.value) AS n_known,
           count(DISTINCT s.person_id) AS n_known_fractional
    FROM pop p
    LEFT JOIN (SELECT DISTINCT conference, year, person_id FROM shares) s
        ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, value, count(*) AS n_persons
    FROM pop WHERE value IS NOT NULL GROUP BY ALL
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, s.value, sum(s.share) AS n_fractional
    FROM pop p JOIN shares s ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
)
SELECT conference, year, track, tier, value,
       coalesce(w.n_persons, 0) AS n_persons, coalesce(f.n_fractional, 0) AS n_fractional,
       t.n, t.n_known, t.n_known_fractional
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, value)
JOIN totals t USING (conference, year, track, tier);

-- study_country_shares(dimension): the columns of a study_<dimension> country view, one row per country.
CREATE OR REPLACE MACRO study_country_shares(wanted) AS TABLE
SELECT conference, year, track, tier, value AS country_code,
       n_persons,
       n_persons / nullif(n_known, 0) AS share,
       wilson_low(n_persons, n_known) AS share_low,
       wilson_high(n_persons, n_known) AS share_high,
       below_min_n(n_known) AS small_n,
       n_fractional,
       n_fractional / nullif(n_known_fractional, 0) AS share_fractional,
       n, n_known, n_known / nullif(n, 0) AS coverage,
       n_known_fractional, n_known_fractional / nullif(n, 0) AS coverage_fractional
FROM study_value_counts(wanted);
