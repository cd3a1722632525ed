-- stg_test_data_papers — grain: one row per landed paper the source marks test_data (conference, year, paper_id).
-- The mirror's fictional TalentFixture venue lands its papers with test_data: true; real records never carry
-- the field. Test-data profiles may only describe authors of these papers (stg_authorship_profiles), and the
-- persons of these papers never reach a study view, an export or the report (talent_records.test_data).
CREATE OR REPLACE VIEW stg_test_data_papers AS
SELECT DISTINCT
    r.data ->> 'conference' AS conference,
    CAST(r.data ->> 'year' AS INTEGER) AS year,
    r.data ->> 'paper_id' AS paper_id
FROM stg_latest_records r
WHERE r.record_type = 'paper' AND coalesce(TRY_CAST(r.data ->> 'test_data' AS BOOLEAN), false);
