-- core_papers — grain: one row per accepted paper (conference, year, paper_id) of the primary source.
-- Tier: the primary record's own, else the matched feed entry's, else 'poster' when a feed was crawled
-- for that year (not in the feed's oral/spotlight lists), else NULL (no tier evidence at all).
CREATE OR REPLACE TABLE core_papers AS
WITH primary_papers AS (
    SELECT p.* FROM stg_paper_records p JOIN stg_primary_sources USING (conference, year, source)
),
feed AS (
    SELECT * FROM stg_paper_records WHERE source = 'neurips_virtual'
),
feed_years AS (SELECT DISTINCT conference, year FROM feed)
SELECT
    p.conference,
    p.year,
    p.paper_id,
    p.title,
    p.track,
    coalesce(p.tier, f.tier, CASE WHEN fy.year IS NOT NULL THEN 'poster' END) AS tier,
    CASE WHEN p.tier IS NOT NULL THEN p.source
         WHEN f.tier IS NOT NULL THEN 'neurips_virtual:' || m.method
         WHEN fy.year IS NOT NULL THEN 'not_in_feed_tiers' END AS tier_evidence,
    p.source,
    p.source_url,
    p.crawl_id,
    m.feed_paper_id
FROM primary_papers p
LEFT JOIN presentation_matches m
    ON m.conference = p.conference AND m.year = p.year AND m.paper_id = p.paper_id
LEFT JOIN feed f
    ON f.conference = m.conference AND f.year = m.year AND f.paper_id = m.feed_paper_id
LEFT JOIN feed_years fy ON fy.conference = p.conference AND fy.year = p.year;
