-- papers — grain: one row per accepted paper (conference, year, paper_id), with presentation tier.
-- Analyst contract: names exact; other modules and downstream tools rely on them.
CREATE OR REPLACE VIEW papers AS
SELECT conference, year, paper_id, title, track, tier, source, source_url
FROM core_papers;
