-- study_outside_origin: share of persons working outside their origin (undergraduate) country, per (conference,
-- year, track, tier, origin country); origin_country 'all' is the total over every origin.

CREATE OR REPLACE VIEW study_outside_origin AS
WITH pop AS (SELECT * FROM study_population),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE origin_country IS NOT NULL AND work_country IS NOT NULL) AS n_known_all
    FROM pop GROUP BY ALL
),
known AS (
    SELECT * FROM pop WHERE origin_country IS NOT NULL AND work_country IS NOT NULL
),
whole AS (
    SELECT conference, year, track, tier, coalesce(origin_country, 'all') AS origin_country,
           count(*) AS n_known, count(*) FILTER (WHERE work_country <> origin_country) AS n_outside
    FROM known GROUP BY GROUPING SETS ((conference, year, track, tier, origin_country), (conference, year, track, tier))
),
work_known AS (SELECT DISTINCT conference, year, person_id FROM study_shares_of('work_country')),
person_fraction AS (
    SELECT p.conference, p.year, p.track, p.tier, p.person_id, o.value AS origin_country, o.share AS origin_share,
           o.share * (1 - coalesce(w.share, 0)) AS outside_share
    FROM pop p
    JOIN study_shares_of('origin_country') o USING (conference, year, person_id)
    JOIN work_known k USING (conference, year, person_id)
    LEFT JOIN study_shares_of('work_country') w ON w.conference = p.conference AND w.year = p.year
                                                 AND w.person_id = p.person_id AND w.value = o.value
),
fractional AS (
    SELECT conference, year, track, tier, coalesce(origin_country, 'all') AS origin_country,
           sum(origin_share) AS n_known_fractional, sum(outside_share) AS n_outside_fractional
    FROM person_fraction
    GROUP BY GROUPING SETS ((conference, year, track, tier, origin_country), (conference, year, track, tier))
),
keys AS (  -- the 'all' row exists even when no origin is known, so n and coverage always show
    SELECT conference, year, track, tier, origin_country FROM whole
    UNION SELECT conference, year, track, tier, origin_country FROM fractional
    UNION SELECT conference, year, track, tier, 'all' FROM totals
),
counts AS (
    SELECT conference, year, track, tier, origin_country,
           coalesce(w.n_known, 0) AS n_known, coalesce(w.n_outside, 0) AS n_outside,
           f.n_known_fractional, f.n_outside_fractional, t.n, t.n_known_all
    FROM keys k
    JOIN totals t USING (conference, year, track, tier)
    LEFT JOIN whole w USING (conference, year, track, tier, origin_country)
    LEFT JOIN fractional f USING (conference, year, track, tier, origin_country)
)
SELECT conference, year, track, tier, origin_country, n_known, n_outside,
       n_outside / nullif(n_known, 0) AS share_outside,
       wilson_low(n_outside, n_known) AS share_outside_low, wilson_high(n_outside, n_known) AS share_outside_high,
       below_min_n(n_known) AS small_n,
       coalesce(n_known_fractional, 0) AS n_known_fractional,
       coalesce(n_outside_fractional, 0) AS n_outside_fractional,
       n_outside_fractional / nullif(n_known_fractional, 0) AS share_outside_fractional,
       n, n_known_all / nullif(n, 0) AS coverage
FROM counts;
