-- macropolo_comparison: each MacroPolo anchor beside our estimate on the comparable base (main track, every tier,
-- whole counting, NeurIPS of the anchor's year) with its Wilson 95% interval; a region (EUROPE) sums the persons
-- of its member countries (anchor_regions).

CREATE OR REPLACE VIEW macropolo_comparison AS
WITH pop AS (
    SELECT conference, year, origin_country, work_country FROM study_population WHERE track = 'main' AND tier = 'all'
),
long AS (
    SELECT conference, year, 'work_country' AS measure, work_country AS value FROM pop
    UNION ALL
    SELECT conference, year, 'origin_country', origin_country FROM pop
),
totals AS (SELECT conference, year, measure, count(*) AS n, count(value) AS n_known FROM long GROUP BY ALL),
hits AS (
    SELECT a.anchor_id, count(*) AS n_persons
    FROM macropolo_anchors a
    JOIN anchor_regions r ON r.region = a.region
    JOIN long l ON l.conference = a.conference AND l.year = a.conference_year AND l.measure = a.measure
               AND l.value = r.country_code
    GROUP BY a.anchor_id
),
joined AS (
    SELECT a.*, t.n, t.n_known,
           CASE WHEN t.n IS NOT NULL THEN coalesce(h.n_persons, 0) END AS n_persons
    FROM macropolo_anchors a
    LEFT JOIN totals t ON t.conference = a.conference AND t.year = a.conference_year AND t.measure = a.measure
    LEFT JOIN hits h USING (anchor_id)
)
SELECT anchor_id, edition, conference, conference_year AS year, measure, region, region_label,
       published_percent / 100.0 AS published_share,
       'main' AS track, 'all' AS tier, n, n_known, n_known / nullif(n, 0) AS coverage, n_persons,
       n_persons / nullif(n_known, 0) AS share,
       wilson_low(n_persons, n_known) AS share_low, wilson_high(n_persons, n_known) AS share_high,
       below_min_n(n_known) AS small_n,
       n_persons / nullif(n_known, 0) - published_percent / 100.0 AS difference,
       published_percent / 100.0 BETWEEN wilson_low(n_persons, n_known) AND wilson_high(n_persons, n_known)
           AS published_within_interval,
       report_title, url, section, page, note
FROM joined
ORDER BY conference_year, measure DESC, published_percent DESC, region;
