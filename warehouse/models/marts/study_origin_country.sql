-- study_origin_country: persons by origin country per (conference, year, track, tier, country): whole and
-- fractional shares with intervals, n and coverage. Computed by the macro study_country_shares
-- (study_value_counts.sql), the same for every country view.

CREATE OR REPLACE VIEW study_origin_country AS SELECT * FROM study_country_shares('origin_country');
