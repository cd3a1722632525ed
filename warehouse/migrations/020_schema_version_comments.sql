-- 020: document the schema_version columns (migrate.py creates the table before any migration runs,
-- with a table comment only), so every raw-layer column explains itself.
COMMENT ON COLUMN schema_version.version IS 'Migration number (warehouse/migrations/NNN_name.sql).';
COMMENT ON COLUMN schema_version.name IS 'Migration name.';
COMMENT ON COLUMN schema_version.applied_at IS 'When the migration ran on this file.';
