-- 010: person ids that survive rebuilds. The build re-runs person resolution from scratch every time;
-- this table remembers which person id each authorship had, so the resolver can hand the same ids back
-- (etl.people.ids.assign_ids previous_ids) and analyst corrections keyed by person_id keep applying.
CREATE TABLE person_id_map (
    row_id VARCHAR PRIMARY KEY,
    person_id VARCHAR NOT NULL,
    first_assigned_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE person_id_map IS 'Person id last given to each authorship (conference/year/paper_id/author_position), kept across rebuilds so person ids stay stable; rows of vanished authorships are kept.';
COMMENT ON COLUMN person_id_map.row_id IS 'Authorship key: conference/year/paper_id/author_position.';
COMMENT ON COLUMN person_id_map.person_id IS 'Person id of that authorship at the last build (joins persons.person_id).';
COMMENT ON COLUMN person_id_map.first_assigned_at IS 'Build time when this authorship first got this person id.';
COMMENT ON COLUMN person_id_map.last_seen_at IS 'Build time when this authorship was last resolved.';
