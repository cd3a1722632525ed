-- authorships — grain: one row per author position of each accepted paper, with where its affiliation comes from.
-- Analyst contract: names exact; other modules and downstream tools rely on them.
CREATE OR REPLACE VIEW authorships AS
SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.raw_affiliation, a.author_source_id,
       a.source, a.source_url, pv.affiliation_origin AS affiliation_source, pv.affiliation_observed_year,
       pv.affiliation_recorded
FROM core_authorships a
LEFT JOIN stg_affiliation_provenance pv USING (conference, year, paper_id, author_position);
