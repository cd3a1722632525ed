-- study_work_institution_top25: the 25 institutions employing most persons per (conference, year, track, tier),
-- ranked by whole count, then fractional count (affiliation weights), then id.

CREATE OR REPLACE VIEW study_work_institution_top25 AS
WITH counts AS (SELECT * FROM study_value_counts('work_institution')),
ranked AS (
    SELECT *, value AS institution_id,
           row_number() OVER (PARTITION BY conference, year, track, tier
                              ORDER BY n_persons DESC, n_fractional DESC, value) AS rank
    FROM counts
)
SELECT r.conference, r.year, r.track, r.tier, r.rank, r.institution_id, i.name AS institution_name,
       i.country_code,
       r.n_persons, r.n_persons / nullif(r.n_known, 0) AS share,
       wilson_low(r.n_persons, r.n_known) AS share_low, wilson_high(r.n_persons, r.n_known) AS share_high,
       below_min_n(r.n_known) AS small_n,
       r.n_fractional, r.n_fractional / nullif(r.n_known_fractional, 0) AS share_fractional,
       r.n, r.n_known, r.n_known / nullif(r.n, 0) AS coverage,
       r.n_known_fractional, r.n_known_fractional / nullif(r.n, 0) AS coverage_fractional
FROM ranked r
LEFT JOIN institutions i ON i.institution_id = r.institution_id
WHERE r.rank <= 25;
