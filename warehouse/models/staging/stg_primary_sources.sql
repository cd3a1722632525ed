-- stg_primary_sources — grain: one row per conference-year: the source whose papers and authors are authoritative.
-- Which source is authoritative for a conference-year's paper and author list: the first available of
-- OpenReview (ids of authors), proceedings (affiliations as printed), the virtual-site feed — among the
-- sources that are complete. A source holding fewer than 97% of the papers of the fullest source for that
-- conference-year is not complete (a truncated crawl, one stray record): it never replaces a full one.
-- 97% leaves room for the few papers sources legitimately disagree on (withdrawn, merged duplicates).
CREATE OR REPLACE VIEW stg_primary_sources AS
WITH per_source AS (
    SELECT conference, year, source, count(*) AS papers,
        CASE source WHEN 'openreview' THEN 1 WHEN 'neurips_proceedings' THEN 2 ELSE 3 END AS priority
    FROM stg_paper_records
    GROUP BY ALL
),
complete AS (
    SELECT * FROM per_source
    QUALIFY papers >= 0.97 * max(papers) OVER (PARTITION BY conference, year)
)
SELECT conference, year, arg_min(source, priority) AS source, arg_min(papers, priority) AS papers
FROM complete
GROUP BY conference, year;
