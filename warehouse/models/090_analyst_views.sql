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
SELECT conference, year, paper_id, author_position, author_name, raw_affiliation, author_source_id,
       source, source_url
FROM core_authorships;
COMMENT ON VIEW authorships IS 'One row per author of each accepted paper, affiliation string as published.';
COMMENT ON COLUMN authorships.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN authorships.year IS 'Conference year.';
COMMENT ON COLUMN authorships.paper_id IS 'Joins papers.paper_id.';
COMMENT ON COLUMN authorships.author_position IS 'Position in the author list, from 1.';
COMMENT ON COLUMN authorships.author_name IS 'Name as published.';
COMMENT ON COLUMN authorships.raw_affiliation IS 'Affiliation string as published (NULL when the sources give none).';
COMMENT ON COLUMN authorships.author_source_id IS 'OpenReview profile id (~First_Last1) or virtual-site author id (virtual:N) when known.';
COMMENT ON COLUMN authorships.source IS 'Spider whose record gave the author list.';
COMMENT ON COLUMN authorships.source_url IS 'URL the author list was parsed from.';
