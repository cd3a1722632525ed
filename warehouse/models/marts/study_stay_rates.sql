-- study_stay_rates: retention per (conference, year, track, tier, graduate country): of the persons who finished
-- graduate school (PhD, else master's) in a country by the conference year and whose work country is known, the
-- share working in that country at the conference. Students still enrolled are counted apart (n_enrolled).

CREATE OR REPLACE VIEW study_stay_rates AS
WITH pop AS (SELECT * FROM study_population),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE grad_status = 'graduated' AND grad_country IS NOT NULL
                              AND work_country IS NOT NULL) AS n_known
    FROM pop GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, grad_country,
           count(*) FILTER (WHERE grad_status = 'graduated') AS n_grad_total,
           count(work_country) FILTER (WHERE grad_status = 'graduated') AS n_grad,
           count(*) FILTER (WHERE grad_status = 'graduated' AND work_country = grad_country) AS n_stayed,
           count(*) FILTER (WHERE grad_status = 'enrolled') AS n_enrolled,
           count(*) FILTER (WHERE grad_status = 'enrolled' AND work_country = grad_country) AS n_enrolled_in_country,
           count(*) FILTER (WHERE grad_status IS NULL) AS n_status_unknown
    FROM pop WHERE grad_country IS NOT NULL GROUP BY ALL
),
work_known AS (SELECT DISTINCT conference, year, person_id FROM study_shares_of('work_country')),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, g.value AS grad_country,
           sum(g.share) AS n_grad_fractional,
           sum(g.share * coalesce(w.share, 0)) AS n_stayed_fractional
    FROM pop p
    JOIN study_shares_of('grad_country') g USING (conference, year, person_id)
    JOIN work_known k USING (conference, year, person_id)
    LEFT JOIN study_shares_of('work_country') w ON w.conference = p.conference AND w.year = p.year
                                               AND w.person_id = p.person_id AND w.value = g.value
    WHERE p.grad_status = 'graduated'
    GROUP BY ALL
)
SELECT conference, year, track, tier, grad_country,
       coalesce(w.n_grad, 0) AS n_grad, coalesce(w.n_stayed, 0) AS n_stayed,
       coalesce(w.n_stayed, 0) / nullif(w.n_grad, 0) AS stay_rate,
       wilson_low(coalesce(w.n_stayed, 0), coalesce(w.n_grad, 0)) AS stay_rate_low,
       wilson_high(coalesce(w.n_stayed, 0), coalesce(w.n_grad, 0)) AS stay_rate_high,
       below_min_n(coalesce(w.n_grad, 0)) AS small_n,
       coalesce(f.n_grad_fractional, 0) AS n_grad_fractional,
       coalesce(f.n_stayed_fractional, 0) AS n_stayed_fractional,
       f.n_stayed_fractional / nullif(f.n_grad_fractional, 0) AS stay_rate_fractional,
       coalesce(w.n_grad_total, 0) AS n_grad_total,
       coalesce(w.n_grad, 0) / nullif(w.n_grad_total, 0) AS coverage_in_country,
       coalesce(w.n_enrolled, 0) AS n_enrolled,
       coalesce(w.n_enrolled_in_country, 0) AS n_enrolled_in_country,
       coalesce(w.n_status_unknown, 0) AS n_status_unknown,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, grad_country)
JOIN totals t USING (conference, year, track, tier);
