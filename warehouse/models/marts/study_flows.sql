-- study_flows: persons per path origin (undergraduate) country -> graduate country -> work country, per
-- (conference, year, track, tier). Whole counts need all three known; fractional counts multiply the person's
-- shares of the three countries.

CREATE OR REPLACE VIEW study_flows AS
WITH pop AS (SELECT * FROM study_population),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE origin_country IS NOT NULL AND grad_country IS NOT NULL
                              AND work_country IS NOT NULL) AS n_known
    FROM pop GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, origin_country, grad_country, work_country, count(*) AS n_persons
    FROM pop
    WHERE origin_country IS NOT NULL AND grad_country IS NOT NULL AND work_country IS NOT NULL
    GROUP BY ALL
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, o.value AS origin_country, g.value AS grad_country,
           w.value AS work_country, sum(o.share * g.share * w.share) AS n_fractional
    FROM pop p
    JOIN study_shares_of('origin_country') o USING (conference, year, person_id)
    JOIN study_shares_of('grad_country') g USING (conference, year, person_id)
    JOIN study_shares_of('work_country') w USING (conference, year, person_id)
    GROUP BY ALL
)
SELECT conference, year, track, tier, origin_country, grad_country, work_country,
       coalesce(w.n_persons, 0) AS n_persons, coalesce(f.n_fractional, 0) AS n_fractional,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, origin_country, grad_country, work_country)
JOIN totals t USING (conference, year, track, tier);
