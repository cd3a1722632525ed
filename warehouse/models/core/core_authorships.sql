-- core_authorships — grain: one row per author position of each core paper.
-- The affiliation is the primary record's; where it has none, the matched feed entry's institution for
-- the same position is taken when both list the same number of authors and the names agree.
CREATE OR REPLACE TABLE core_authorships AS
WITH primary_authors AS (
    SELECT p.conference, p.year, p.paper_id, p.source, p.source_url, unnest(p.authors) AS a
    FROM stg_paper_records p JOIN stg_primary_sources USING (conference, year, source)
),
feed_authors AS (
    SELECT f.conference, f.year, f.paper_id AS feed_paper_id, len(f.authors) AS n_authors, unnest(f.authors) AS a
    FROM stg_paper_records f WHERE f.source = 'neurips_virtual'
),
paper_sizes AS (
    SELECT p.conference, p.year, p.paper_id, len(p.authors) AS n_authors
    FROM stg_paper_records p JOIN stg_primary_sources USING (conference, year, source)
)
SELECT
    pa.conference,
    pa.year,
    pa.paper_id,
    pa.a.position AS author_position,
    pa.a.name AS author_name,
    coalesce(pa.a.institution, fa.a.institution) AS raw_affiliation,
    coalesce(pa.a.source_id, fa.a.source_id) AS author_source_id,
    pa.source,
    pa.source_url,
    pa.a.email_domain AS email_domain,
    CASE WHEN pa.a.institution IS NOT NULL THEN pa.source
         WHEN fa.a.institution IS NOT NULL THEN 'neurips_virtual' END AS affiliation_source
FROM primary_authors pa
JOIN paper_sizes ps USING (conference, year, paper_id)
LEFT JOIN presentation_matches m
    ON m.conference = pa.conference AND m.year = pa.year AND m.paper_id = pa.paper_id
LEFT JOIN feed_authors fa
    ON fa.conference = m.conference AND fa.year = m.year AND fa.feed_paper_id = m.feed_paper_id
   AND fa.a.position = pa.a.position AND fa.n_authors = ps.n_authors
   AND jaro_winkler_similarity(lower(fa.a.name), lower(pa.a.name)) >= 0.8;
