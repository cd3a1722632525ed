-- Two rules the study views share, written once: which person_education rows count for a conference year, and
-- how a country code is cleaned.

-- "This person_education row counts for this conference year": the rule of etl.people.history.counts_in.
CREATE OR REPLACE MACRO counts_in(counts_from_year, counts_to_year, year) AS
    (counts_from_year IS NOT NULL AND counts_from_year <= year AND (counts_to_year IS NULL OR year <= counts_to_year));

-- A country code as the study views compare it: upper case, blank means unknown.
CREATE OR REPLACE MACRO country_or_null(code) AS nullif(upper(trim(code)), '');
