-- persons (view) — grain: one row per resolved person (persons_core), with the analyst's name corrections
-- (analyst_corrections) applied: the analyst-facing people layer.
CREATE OR REPLACE VIEW persons AS
WITH name_fix AS (
    SELECT person_id, arg_max(value, line_no) AS value
    FROM analyst_corrections
    WHERE field = 'name' AND applied
    GROUP BY person_id
)
SELECT p.person_id,
       CASE WHEN f.person_id IS NOT NULL THEN f.value ELSE p.name END AS name,
       p.openreview_id, p.orcid, p.dblp, p.n_papers, p.first_year, p.last_year
FROM persons_core p LEFT JOIN name_fix f USING (person_id);
