-- stg_orcid_affiliations — grain: one row per education or employment entry of a found ORCID record
-- (orcid, section, entry_no), dates partial.
CREATE OR REPLACE VIEW stg_orcid_affiliations AS
WITH sections AS (
    SELECT orcid, 'education' AS section,
        from_json(educations, '[{"role_title": "VARCHAR", "department": "VARCHAR",
            "start": {"year": "INTEGER", "month": "INTEGER"}, "end": {"year": "INTEGER", "month": "INTEGER"},
            "organization": {"name": "VARCHAR", "city": "VARCHAR", "region": "VARCHAR", "country": "VARCHAR",
                             "disambiguated_id": "VARCHAR", "disambiguation_source": "VARCHAR"}}]') AS entries
    FROM stg_orcid_records WHERE status = 'found'
    UNION ALL
    SELECT orcid, 'employment',
        from_json(employments, '[{"role_title": "VARCHAR", "department": "VARCHAR",
            "start": {"year": "INTEGER", "month": "INTEGER"}, "end": {"year": "INTEGER", "month": "INTEGER"},
            "organization": {"name": "VARCHAR", "city": "VARCHAR", "region": "VARCHAR", "country": "VARCHAR",
                             "disambiguated_id": "VARCHAR", "disambiguation_source": "VARCHAR"}}]')
    FROM stg_orcid_records WHERE status = 'found'
),
entries AS (
    SELECT orcid, section, generate_subscripts(entries, 1) AS entry_no, unnest(entries) AS e FROM sections
)
SELECT
    orcid, section, entry_no,
    e.role_title, e.department,
    e.start.year AS start_year, e.start.month AS start_month,
    e."end".year AS end_year, e."end".month AS end_month,
    e.organization.name AS organization_name,
    e.organization.city AS city,
    e.organization.country AS country,
    e.organization.disambiguated_id AS disambiguated_id,
    e.organization.disambiguation_source AS disambiguation_source
FROM entries;
