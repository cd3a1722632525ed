-- study_grad_country: persons by grad country per (conference, year, track, tier, country): whole and
-- fractional shares with intervals, n and coverage. Computed by the macro study_country_shares
-- (study_value_counts.sql), the same for every country view.

CREATE OR REPLACE VIEW study_grad_country AS SELECT * FROM study_country_shares('grad_country');
