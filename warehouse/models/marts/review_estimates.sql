-- review_latest and review_estimates: the hand-reviewed stratified samples (migration 032 tables, which the build
-- never writes, so a rebuild keeps every review) re-derived into estimates beside the automatic figures.
--
-- review_estimates is the stratified ratio estimator of warehouse.estimates.stratified_share in SQL. Per stratum h
-- with N_h persons, n_h reviewed, K_h of them with the field found and Y_h with the value:
-- R = sum (N_h/n_h) Y_h / sum (N_h/n_h) K_h; with binary y <= k the residuals e = y - R k give
-- sum e = Y_h - R K_h and sum e^2 = Y_h - 2 R Y_h + R^2 K_h, so the linearised variance needs only counts.

CREATE OR REPLACE VIEW review_latest AS
SELECT * FROM reviews
QUALIFY row_number() OVER (PARTITION BY sample_id, person_id ORDER BY reviewed_at DESC, line_no DESC) = 1;

CREATE OR REPLACE VIEW review_estimates AS
WITH populations AS (SELECT * FROM (VALUES ('all'), ('main')) p(population)),
fields AS (SELECT * FROM (VALUES ('origin_country'), ('grad_country'), ('work_country')) f(field)),
strata AS (
    SELECT s.sample_id, p.population, s.tier, s.track, s.population_size AS big_n
    FROM review_sample_strata s CROSS JOIN populations p
    WHERE p.population = 'all' OR s.track = 'main'
),
reviewed AS (
    SELECT sp.sample_id, sp.person_id, sp.tier, sp.track, f.field, 
           CASE f.field WHEN 'origin_country' THEN r.undergrad_country WHEN 'grad_country' THEN r.grad_country
                        WHEN 'work_country' THEN r.work_country END AS value
    FROM review_sample_persons sp JOIN review_latest r USING (sample_id, person_id) CROSS JOIN fields f
),
stratum_counts AS (
    SELECT st.sample_id, st.population, st.tier, st.track, st.big_n, f.field,
           count(rv.person_id) AS small_n, count(rv.value) AS known
    FROM strata st CROSS JOIN fields f
    LEFT JOIN reviewed rv ON rv.sample_id = st.sample_id AND rv.tier = st.tier AND rv.track = st.track
                         AND rv.field = f.field
    GROUP BY ALL
),
sampled AS (
    SELECT sp.sample_id, p.population, count(*) AS n_sampled
    FROM review_sample_persons sp CROSS JOIN populations p
    WHERE p.population = 'all' OR sp.track = 'main'
    GROUP BY ALL
),
totals AS (
    SELECT st.sample_id, st.population, sum(st.big_n) AS population_n, coalesce(any_value(sm.n_sampled), 0) AS n_sampled
    FROM strata st LEFT JOIN sampled sm USING (sample_id, population)
    GROUP BY st.sample_id, st.population
),
auto_long AS (
    SELECT conference, year, track, 'origin_country' AS field, origin_country AS value
    FROM study_population WHERE tier = 'all'
    UNION ALL
    SELECT conference, year, track, 'grad_country' AS field, grad_country AS value
    FROM study_population WHERE tier = 'all'
    UNION ALL
    SELECT conference, year, track, 'work_country' AS field, work_country AS value
    FROM study_population WHERE tier = 'all'
),
auto_totals AS (
    SELECT conference, year, track AS population, field, count(*) AS n, count(value) AS n_known
    FROM auto_long GROUP BY ALL
),
auto_counts AS (
    SELECT conference, year, track AS population, field, value, count(*) AS n_value
    FROM auto_long WHERE value IS NOT NULL GROUP BY ALL
),
samples AS (SELECT sample_id, conference, year FROM review_samples),
value_keys AS (
    SELECT DISTINCT st.sample_id, st.population, rv.field, rv.value
    FROM reviewed rv JOIN strata st ON st.sample_id = rv.sample_id AND st.tier = rv.tier AND st.track = rv.track
    WHERE rv.value IS NOT NULL
    UNION
    SELECT s.sample_id, a.population, a.field, a.value
    FROM samples s JOIN auto_counts a ON a.conference = s.conference AND a.year = s.year
    WHERE a.population IN ('all', 'main')
),
cells AS (
    SELECT c.sample_id, c.population, c.field, k.value, c.tier, c.track, c.big_n, c.small_n, c.known,
           count(rv.person_id) AS hits
    FROM stratum_counts c
    JOIN value_keys k ON k.sample_id = c.sample_id AND k.population = c.population AND k.field = c.field
    LEFT JOIN reviewed rv ON rv.sample_id = c.sample_id AND rv.tier = c.tier AND rv.track = c.track
                         AND rv.field = c.field AND rv.value = k.value
    WHERE c.small_n > 0
    GROUP BY ALL
),
ratio AS (
    SELECT sample_id, population, field, value,
           sum(big_n / small_n * hits) / nullif(sum(big_n / small_n * known), 0) AS r,
           sum(big_n / small_n * known) AS k_total,
           sum(small_n) AS n_reviewed, sum(known) AS n_reviewed_known, sum(big_n) AS population_reviewed
    FROM cells GROUP BY ALL
),
variance AS (
    SELECT c.sample_id, c.population, c.field, c.value,
           sum(CASE WHEN c.small_n > 1 AND x.r IS NOT NULL THEN
                   c.big_n * c.big_n * (1 - c.small_n / c.big_n) / c.small_n
                   * greatest((c.hits - 2 * x.r * c.hits + x.r * x.r * c.known
                               - pow(c.hits - x.r * c.known, 2) / c.small_n) / (c.small_n - 1), 0)
                   ELSE 0 END) AS spread
    FROM cells c JOIN ratio x USING (sample_id, population, field, value)
    GROUP BY c.sample_id, c.population, c.field, c.value
),
standard_error AS (
    SELECT x.sample_id, x.population, x.field, x.value, sqrt(v.spread / nullif(x.k_total * x.k_total, 0)) AS se
    FROM ratio x JOIN variance v USING (sample_id, population, field, value)
)
SELECT s.sample_id, s.conference, s.year, x.population AS track, x.field, x.value,
       x.r AS reviewed_share, e.se AS reviewed_se,
       greatest(0.0, x.r - interval_z() * e.se) AS reviewed_low,
       least(1.0, x.r + interval_z() * e.se) AS reviewed_high,
       t.n_sampled, x.n_reviewed, x.n_reviewed_known, t.population_n, x.population_reviewed,
       below_min_n(x.n_reviewed_known) AS reviewed_small_n,
       coalesce(a.n_value, 0) / nullif(atot.n_known, 0) AS automatic_share,
       wilson_low(coalesce(a.n_value, 0), atot.n_known) AS automatic_low,
       wilson_high(coalesce(a.n_value, 0), atot.n_known) AS automatic_high,
       atot.n_known AS automatic_n_known, atot.n AS automatic_n,
       below_min_n(atot.n_known) AS automatic_small_n,
       coalesce(a.n_value, 0) / nullif(atot.n_known, 0) - x.r AS difference
FROM ratio x
JOIN standard_error e USING (sample_id, population, field, value)
JOIN samples s USING (sample_id)
JOIN totals t ON t.sample_id = x.sample_id AND t.population = x.population
LEFT JOIN auto_totals atot ON atot.conference = s.conference AND atot.year = s.year AND atot.population = x.population
                        AND atot.field = x.field
LEFT JOIN auto_counts a ON a.conference = s.conference AND a.year = s.year AND a.population = x.population
                       AND a.field = x.field AND a.value = x.value;
