-- Analyst contract (names exact; other modules and downstream tools rely on them).
CREATE OR REPLACE VIEW papers AS
SELECT conference, year, paper_id, title, track, tier, source, source_url
FROM core_papers;
COMMENT ON VIEW papers IS 'Accepted papers, one row per paper and conference-year, with presentation tier.';
COMMENT ON COLUMN papers.conference IS 'Conference, lowercase (neurips).';
COMMENT ON COLUMN papers.year IS 'Conference year.';
COMMENT ON COLUMN papers.paper_id IS 'Id in the primary source: OpenReview forum id, proceedings hash or feed uid.';
COMMENT ON COLUMN papers.title IS 'Title as published.';
COMMENT ON COLUMN papers.track IS 'main or datasets_and_benchmarks.';
COMMENT ON COLUMN papers.tier IS 'oral, spotlight or poster (NULL when no source of tiers was crawled).';
COMMENT ON COLUMN papers.source IS 'Spider whose record is authoritative for this paper.';
COMMENT ON COLUMN papers.source_url IS 'URL the paper record was parsed from.';

CREATE OR REPLACE VIEW authorships AS
SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.raw_affiliation, a.author_source_id,
       a.source, a.source_url, pv.affiliation_origin AS affiliation_source, pv.affiliation_observed_year,
       pv.affiliation_recorded
FROM core_authorships a
LEFT JOIN stg_affiliation_provenance pv USING (conference, year, paper_id, author_position);
COMMENT ON VIEW authorships IS 'One row per author of each accepted paper, with the affiliation string and where it comes from: as printed with the paper (2019/2020 proceedings) or an OpenReview profile snapshot (2021 on); see affiliation_source.';
COMMENT ON COLUMN authorships.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN authorships.year IS 'Conference year.';
COMMENT ON COLUMN authorships.paper_id IS 'Joins papers.paper_id.';
COMMENT ON COLUMN authorships.author_position IS 'Position in the author list, from 1.';
COMMENT ON COLUMN authorships.author_name IS 'Name as published.';
COMMENT ON COLUMN authorships.raw_affiliation IS 'Affiliation string as the source gives it: printed with the paper when affiliation_source = paper or conference_site; for openreview_profile_snapshot (NeurIPS 2021 on) the author''s OpenReview profile entry covering the conference year, crawled later, which may name a later employer (e.g. Google DeepMind). NULL when no source gives one.';
COMMENT ON COLUMN authorships.author_source_id IS 'OpenReview profile id (~First_Last1) or virtual-site author id (virtual:N) when known.';
COMMENT ON COLUMN authorships.source IS 'Spider whose record gave the author list.';
COMMENT ON COLUMN authorships.source_url IS 'URL the author list was parsed from.';
COMMENT ON COLUMN authorships.affiliation_source IS 'Where raw_affiliation comes from: paper (submitted with the paper: proceedings metadata), conference_site (the conference''s own listing that year), openreview_profile_snapshot (the author''s OpenReview profile, as crawled after the conference); NULL when there is no affiliation.';
COMMENT ON COLUMN authorships.affiliation_observed_year IS 'Year the source states raw_affiliation for (the conference year); NULL when there is no affiliation.';
COMMENT ON COLUMN authorships.affiliation_recorded IS '''at publication'' or ''profile crawled after the conference'': when the value was written down relative to that year.';
