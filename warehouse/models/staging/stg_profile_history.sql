-- stg_profile_history — grain: one row per history entry of each distinct found profile (profile_id, entry_no).
CREATE OR REPLACE VIEW stg_profile_history AS
WITH profiles AS (
    SELECT * FROM stg_openreview_profiles WHERE status = 'found'
    QUALIFY row_number() OVER (PARTITION BY profile_id ORDER BY fetched_at DESC, requested_id) = 1
)
SELECT
    profile_id,
    generate_subscripts(history, 1) AS entry_no,
    unnest(history) AS entry,
    test_data
FROM profiles;
