-- study_person_shares: fractional counting, one row per (conference, year, person, dimension, value); a person's
-- shares of a dimension sum to 1 over their known values. study_shares_of(dimension) reads one dimension.

CREATE OR REPLACE VIEW study_person_shares AS
WITH person_years AS (
    SELECT DISTINCT conference, year, person_id, origin_country, grad_country, work_country, work_institution_id
    FROM study_population WHERE tier = 'all' AND track = 'all'
),
dimensions AS (  -- dimension -> the talent_records field an analyst correction names (evidence key)
    SELECT * FROM (VALUES ('origin_country', 'undergrad_country'), ('grad_country', 'grad_country'),
                          ('work_country', 'work_country'), ('work_institution', 'work_institution_id'))
        d(dimension, field)
),
person_values AS (  -- the study_population value of each dimension (share 1 where no detailed rows exist)
    SELECT * FROM (
        SELECT b.conference, b.year, b.person_id, d.dimension,
               CASE d.dimension WHEN 'origin_country' THEN b.origin_country WHEN 'grad_country' THEN b.grad_country
                                WHEN 'work_country' THEN b.work_country ELSE b.work_institution_id END AS value
        FROM person_years b CROSS JOIN dimensions d
    ) WHERE value IS NOT NULL
),
corrected AS (  -- (person-year, dimension) whose talent_records value an analyst set (evidence source)
    SELECT DISTINCT t.conference, t.year, t.person_id, d.dimension
    FROM talent_records t CROSS JOIN dimensions d
    WHERE t.person_id IS NOT NULL
      AND CASE WHEN json_valid(t.evidence::VARCHAR)
               THEN json_extract_string(t.evidence::VARCHAR, '$.' || d.field || '.source') END
          = 'analyst_correction'
),
work_shares AS (  -- work: authorship_affiliations weights over the person's authorships that year
    SELECT conference, year, person_id, dimension, value,
           w / sum(w) OVER (PARTITION BY conference, year, person_id, dimension) AS share
    FROM (
        SELECT conference, year, person_id, dimension, value, sum(weight) AS w
        FROM (
            SELECT ap.conference, ap.year, ap.person_id, d.dimension, aa.weight,
                   CASE d.dimension WHEN 'work_country' THEN country_or_null(aa.country_code)
                                    ELSE nullif(trim(aa.institution_id), '') END AS value
            FROM authorship_persons ap
            JOIN authorship_affiliations aa USING (conference, year, paper_id, author_position)
            CROSS JOIN (VALUES ('work_country'), ('work_institution')) d(dimension)
            WHERE ap.person_id IS NOT NULL AND aa.weight > 0
        )
        WHERE value IS NOT NULL
        GROUP BY conference, year, person_id, dimension, value
    )
),
-- education: degrees only (is_degree), each usable for its conference years (counts_from/to_year); the shares
-- spread evenly over the countries of the best stage's best-evidenced rows (priority = stage rank * 100 +
-- precedence, the rule of etl.people.history as talent_records applies it); origin is the undergraduate degree,
-- graduate school the PhD, else the master's.
education AS (
    SELECT person_id,
           CASE lower(stage) WHEN 'undergrad' THEN 'origin_country' ELSE 'grad_country' END AS dimension,
           country_or_null(country_code) AS value, counts_from_year, counts_to_year,
           CASE lower(stage) WHEN 'undergrad' THEN 1 WHEN 'phd' THEN 1 WHEN 'masters' THEN 2 END * 100
               + precedence AS priority
    FROM person_education
    WHERE person_id IS NOT NULL AND is_degree AND country_or_null(country_code) IS NOT NULL
      AND lower(stage) IN ('undergrad', 'phd', 'masters')
),
education_shares AS (
    SELECT conference, year, person_id, dimension, value,
           1.0 / count(*) OVER (PARTITION BY conference, year, person_id, dimension) AS share
    FROM (
        SELECT DISTINCT b.conference, b.year, b.person_id, e.dimension, e.value, e.priority
        FROM person_years b
        JOIN education e ON e.person_id = b.person_id AND counts_in(e.counts_from_year, e.counts_to_year, b.year)
        QUALIFY e.priority = min(e.priority) OVER (PARTITION BY b.conference, b.year, b.person_id, e.dimension)
    )
),
detailed AS (
    SELECT * FROM work_shares
    UNION ALL
    SELECT * FROM education_shares
),
shares AS (  -- detailed shares, else the study_population value with share 1
    SELECT * FROM detailed
    UNION ALL
    SELECT v.*, 1.0::DOUBLE AS share FROM person_values v
    WHERE NOT EXISTS (SELECT 1 FROM detailed d WHERE d.conference = v.conference AND d.year = v.year
                      AND d.person_id = v.person_id AND d.dimension = v.dimension)
)
SELECT conference, year, person_id, dimension, value, share FROM shares s
WHERE NOT EXISTS (SELECT 1 FROM corrected c WHERE c.conference = s.conference AND c.year = s.year
                  AND c.person_id = s.person_id AND c.dimension = s.dimension)
UNION ALL  -- a corrected field: the corrected value with share 1 (a correction to unknown leaves no row)
SELECT v.*, 1.0::DOUBLE AS share FROM person_values v JOIN corrected c USING (conference, year, person_id, dimension);

-- One dimension's shares, for the views that join a person's shares of several dimensions.
CREATE OR REPLACE MACRO study_shares_of(wanted) AS TABLE
    SELECT conference, year, person_id, value, share FROM study_person_shares WHERE dimension = wanted;
