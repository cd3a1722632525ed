-- 032: sample-and-review. An analyst draws a stratified random sample of a conference-year's persons
-- (`talent review sample`), traces them by hand, and loads the filled worksheet (`talent review import`).
-- These tables hold the design (strata sizes, seed, who was drawn) and every reviewed value with who
-- reviewed it and when. They live here, not in a model, because the build must never overwrite or drop a
-- reviewed value: models are rebuilt from raw every time, migrations only ever add.
CREATE TABLE review_samples (
    sample_id VARCHAR PRIMARY KEY,
    conference VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    per_stratum INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    population INTEGER NOT NULL,
    sampled INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    worksheet VARCHAR
);
COMMENT ON TABLE review_samples IS 'One row per stratified random sample of persons drawn for hand review (talent review sample): design, seed and size.';
COMMENT ON COLUMN review_samples.sample_id IS 'Sample id (conference-year, seed, size and a hash of the drawn person ids), written on every worksheet row.';
COMMENT ON COLUMN review_samples.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN review_samples.year IS 'Conference year sampled.';
COMMENT ON COLUMN review_samples.per_stratum IS 'Persons requested per stratum (a stratum smaller than this is taken whole).';
COMMENT ON COLUMN review_samples.seed IS 'Seed of the random draw: the same warehouse, year, size and seed draw the same persons.';
COMMENT ON COLUMN review_samples.population IS 'Persons of the conference-year at draw time (sum of the strata sizes).';
COMMENT ON COLUMN review_samples.sampled IS 'Persons drawn (sum of the stratum sample sizes).';
COMMENT ON COLUMN review_samples.created_at IS 'When the sample was drawn.';
COMMENT ON COLUMN review_samples.worksheet IS 'Path of the worksheet written for this sample (as given on the command line).';

CREATE TABLE review_sample_strata (
    sample_id VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    track VARCHAR NOT NULL,
    population_size INTEGER NOT NULL,
    sample_size INTEGER NOT NULL,
    PRIMARY KEY (sample_id, tier, track)
);
COMMENT ON TABLE review_sample_strata IS 'Strata of each review sample (tier x track): N_h persons in the conference-year and n_h drawn; design weights are N_h / n_h.';
COMMENT ON COLUMN review_sample_strata.sample_id IS 'Joins review_samples.sample_id.';
COMMENT ON COLUMN review_sample_strata.tier IS 'Highest presentation tier of the person''s papers that year: oral, spotlight, poster, or none (no tier known).';
COMMENT ON COLUMN review_sample_strata.track IS 'main (the person has a main-track paper that year) or other (Datasets & Benchmarks papers only).';
COMMENT ON COLUMN review_sample_strata.population_size IS 'N_h: persons of the conference-year in this stratum at draw time.';
COMMENT ON COLUMN review_sample_strata.sample_size IS 'n_h: persons drawn from this stratum (min(per_stratum, N_h)).';

CREATE TABLE review_sample_persons (
    sample_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    track VARCHAR NOT NULL,
    draw_order INTEGER NOT NULL,
    PRIMARY KEY (sample_id, person_id)
);
COMMENT ON TABLE review_sample_persons IS 'The persons drawn in each review sample, with their stratum.';
COMMENT ON COLUMN review_sample_persons.sample_id IS 'Joins review_samples.sample_id.';
COMMENT ON COLUMN review_sample_persons.person_id IS 'Joins persons.person_id (person ids are stable across rebuilds: person_id_map).';
COMMENT ON COLUMN review_sample_persons.tier IS 'Stratum tier (see review_sample_strata.tier).';
COMMENT ON COLUMN review_sample_persons.track IS 'Stratum track (see review_sample_strata.track).';
COMMENT ON COLUMN review_sample_persons.draw_order IS 'Position in the worksheet, from 1.';

CREATE TABLE reviews (
    sample_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    undergrad_institution VARCHAR,
    undergrad_country VARCHAR,
    grad_institution VARCHAR,
    grad_country VARCHAR,
    work_institution VARCHAR,
    work_country VARCHAR,
    note VARCHAR,
    reviewer VARCHAR NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL,
    source_file VARCHAR NOT NULL,
    line_no INTEGER NOT NULL
);
COMMENT ON TABLE reviews IS 'Values found by hand for sampled persons (talent review import), append-only: a re-import adds a newer row and never overwrites; review_latest picks the newest per person.';
COMMENT ON COLUMN reviews.sample_id IS 'Joins review_samples.sample_id.';
COMMENT ON COLUMN reviews.person_id IS 'Joins persons.person_id.';
COMMENT ON COLUMN reviews.undergrad_institution IS 'Undergraduate institution as the reviewer found it (free text; NULL when not found).';
COMMENT ON COLUMN reviews.undergrad_country IS 'ISO 3166-1 alpha-2 country of the undergraduate degree (NULL when the reviewer could not find it).';
COMMENT ON COLUMN reviews.grad_institution IS 'Graduate-school institution (PhD, else master''s) as the reviewer found it.';
COMMENT ON COLUMN reviews.grad_country IS 'ISO alpha-2 country of graduate school (NULL when not found).';
COMMENT ON COLUMN reviews.work_institution IS 'Workplace at the time of the conference, as the reviewer found it.';
COMMENT ON COLUMN reviews.work_country IS 'ISO alpha-2 country of that workplace (NULL when not found).';
COMMENT ON COLUMN reviews.note IS 'Reviewer''s note: sources used, doubts.';
COMMENT ON COLUMN reviews.reviewer IS 'Who reviewed (talent review import --reviewer).';
COMMENT ON COLUMN reviews.reviewed_at IS 'When the worksheet was imported.';
COMMENT ON COLUMN reviews.source_file IS 'Worksheet file the row was imported from.';
COMMENT ON COLUMN reviews.line_no IS 'Line of that file (the header is line 1).';
