-- persons (view) — grain: one row per resolved person; person_education, talent_records,
-- authorship_persons, analyst_corrections: documentation. Analyst-facing people layer (issue 4).
CREATE OR REPLACE VIEW persons AS
WITH name_fix AS (
    SELECT person_id, arg_max(value, line_no) AS value
    FROM analyst_corrections
    WHERE field = 'name' AND applied
    GROUP BY person_id
)
SELECT p.person_id,
       CASE WHEN f.person_id IS NOT NULL THEN f.value ELSE p.name END AS name,
       p.openreview_id, p.orcid, p.dblp, p.n_papers, p.first_year, p.last_year
FROM persons_core p LEFT JOIN name_fix f USING (person_id);
COMMENT ON VIEW persons IS 'One row per resolved person (author disambiguation over all authorships); person_id is stable across rebuilds and re-crawls.';
COMMENT ON COLUMN persons.person_id IS 'Stable person id (P + 12 hex); joins authorship_persons, person_education, talent_records.';
COMMENT ON COLUMN persons.name IS 'Display name: the OpenReview preferred name when a profile is linked, else the most frequent spelling in author lists; an analyst correction wins.';
COMMENT ON COLUMN persons.openreview_id IS 'OpenReview profile id (~First_Last1) as the profile API answers it (old usernames folded in); NULL when no authorship carried one.';
COMMENT ON COLUMN persons.orcid IS 'ORCID iD from the linked OpenReview profile (check digit verified), else NULL.';
COMMENT ON COLUMN persons.dblp IS 'DBLP person id (e.g. 31/8315) from the linked OpenReview profile, else NULL.';
COMMENT ON COLUMN persons.n_papers IS 'Accepted papers (all conferences and years in the warehouse) this person authored.';
COMMENT ON COLUMN persons.first_year IS 'First conference year with a paper by this person.';
COMMENT ON COLUMN persons.last_year IS 'Last conference year with a paper by this person.';

COMMENT ON TABLE persons_core IS 'Persons as resolved, before analyst corrections (query the persons view instead).';
COMMENT ON COLUMN persons_core.person_id IS 'Stable person id (kept across rebuilds through person_id_map).';
COMMENT ON COLUMN persons_core.name IS 'Display name: the profile''s preferred name when known, else the most frequent printed name.';
COMMENT ON COLUMN persons_core.openreview_id IS 'OpenReview profile id when any authorship carried one.';
COMMENT ON COLUMN persons_core.orcid IS 'ORCID iD when known.';
COMMENT ON COLUMN persons_core.dblp IS 'DBLP person id when known.';
COMMENT ON COLUMN persons_core.n_papers IS 'Accepted papers of the person in the warehouse.';
COMMENT ON COLUMN persons_core.first_year IS 'First conference year with a paper.';
COMMENT ON COLUMN persons_core.last_year IS 'Last conference year with a paper.';
COMMENT ON TABLE authorship_persons IS 'Which person each authorship is: one row per (conference, year, paper_id, author_position).';
COMMENT ON COLUMN authorship_persons.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN authorship_persons.year IS 'Conference year.';
COMMENT ON COLUMN authorship_persons.paper_id IS 'Joins papers.paper_id.';
COMMENT ON COLUMN authorship_persons.author_position IS 'Position in the author list, from 1 (joins authorships).';
COMMENT ON COLUMN authorship_persons.person_id IS 'Resolved person (joins persons.person_id).';

COMMENT ON TABLE person_education IS 'Education and career history: one row per OpenReview profile history entry or ORCID education/employment linked to a person, with its career stage and resolved institution. Degrees are the rows with is_degree (education stage at a degree-granting institution); they count only for the conference years counts_from_year..counts_to_year. Rows from test-data sources are marked test_data.';
COMMENT ON COLUMN person_education.person_id IS 'Joins persons.person_id.';
COMMENT ON COLUMN person_education.stage IS 'Career stage read from the title: undergrad, masters, phd, postdoc, faculty, industry or other (etl/people/stages.py and position_stages.csv; a student title at a company is other; ORCID degree titles read as degrees). Whether an education stage is evidence of a degree: is_degree.';
COMMENT ON COLUMN person_education.institution_id IS 'Registry institution (ROR id or tt:… id; joins institutions); NULL when unresolved.';
COMMENT ON COLUMN person_education.institution_name IS 'Registry name of the institution, else the name as the source gave it.';
COMMENT ON COLUMN person_education.country_code IS 'ISO 3166-1 alpha-2 country of the institution (registry, else the country the source states); NULL when unknown.';
COMMENT ON COLUMN person_education.start_year IS 'Year the position or study began (NULL when the source gives no date).';
COMMENT ON COLUMN person_education.end_year IS 'Year it ended; NULL when ongoing or undated.';
COMMENT ON COLUMN person_education.source IS 'openreview_profile, orcid or homepage (a degree stated on the homepage a profile lists).';
COMMENT ON COLUMN person_education.method IS 'How the institution was found: orcid-ror (ORCID disambiguated ROR id), resolver:<stage> (affiliation resolver on name + domain), source-country (only the stated country), homepage-extractor (resolved by the homepage extractor), unresolved.';
COMMENT ON COLUMN person_education.confidence IS 'Confidence of the institution/country resolution, 0–1 (1 = ROR id given by ORCID).';
COMMENT ON COLUMN person_education.position_title IS 'Position or ORCID role title as written (department when no title).';
COMMENT ON COLUMN person_education.source_key IS 'OpenReview profile id, ORCID iD or homepage page URL the entry came from.';
COMMENT ON COLUMN person_education.is_degree IS 'True when the row is evidence of a degree: stage undergrad, masters or phd at a degree-granting institution (registry type education), title not an internship or visit. A PhD student position at a company, lab or unresolved institution is false: it does not say which institution awards the degree.';
COMMENT ON COLUMN person_education.observed_year IS 'For OpenReview profile entries: the conference-year the profile was read for (the latest year of the author lists that led to it); NULL for ORCID.';
COMMENT ON COLUMN person_education.counts_from_year IS 'First conference year this row may be used for: the start year (else the end year) when dated, the observed_year when undated; NULL = never (undated ORCID entry).';
COMMENT ON COLUMN person_education.counts_to_year IS 'Last conference year this row may be used for: NULL (open) when dated; the observed_year when undated, so a current position read in 2022 never describes 2019.';
COMMENT ON COLUMN person_education.test_data IS 'True when the source profile or ORCID record is fictional test data (only ever linked to test-data papers); such rows are not exported and their persons are in no study view.';
COMMENT ON COLUMN person_education.bounds IS 'What start_year/end_year are: stated (dates the source gives), observed (first/last year a year-by-year profile snapshot showed the entry: it began no later than start_year and ended no earlier than end_year) or undated.';
COMMENT ON COLUMN person_education.finished_from_year IS 'First conference year the entry is known to be over: the stated end year; for observed bounds the first later year the same profile was seen without it; NULL when ongoing (still in the latest snapshot) or unknown. Stay rates count finished graduates by this column.';
COMMENT ON COLUMN person_education.country_source IS 'Where country_code comes from: stated (the ISO code on the entry, ORCID organisation country or ROR id, a homepage statement), domain (the resolver confirmed by the e-mail/web domain), resolver (the name alone) or none.';
COMMENT ON COLUMN person_education.degree_evidence IS 'stated_degree (a homepage statement, an ORCID education whose title names the degree) or position (a position title such as "PhD student").';
COMMENT ON COLUMN person_education.precedence IS 'Evidence tier of the row, 0 best: undated*8 + country rank (stated 0, domain 1, resolver 2, none 3)*2 + (position 1, stated degree 0). talent_records and the study views take the best tier that counts (dated > undated; explicit country > domain > resolver; stated degree > position), then the earliest start and the higher confidence.';
COMMENT ON COLUMN person_education.city IS 'Institution city as the source states it (OpenReview institution.city); NULL when not given.';
COMMENT ON COLUMN person_education.evidence IS 'For homepage statements: the span of the page that states the degree; NULL for other sources.';
COMMENT ON COLUMN person_education.institution_type IS 'Registry type of the institution (education, company, government, facility, …); NULL when unresolved.';

COMMENT ON TABLE talent_records IS 'One talent record per person and conference-year: origin (undergraduate) country, graduate country, work country/institution/sector at the conference, tier; NULL where unknown, never guessed; evidence per field.';
COMMENT ON COLUMN talent_records.conference IS 'Conference, lowercase.';
COMMENT ON COLUMN talent_records.year IS 'Conference year.';
COMMENT ON COLUMN talent_records.person_id IS 'Joins persons.person_id.';
COMMENT ON COLUMN talent_records.name IS 'Person display name (as persons.name, analyst name corrections included).';
COMMENT ON COLUMN talent_records.tier IS 'Highest presentation tier of the person''s papers that year: oral > spotlight > poster.';
COMMENT ON COLUMN talent_records.undergrad_country IS 'Country of an undergraduate degree (origin proxy): person_education rows with is_degree that count for this year (dated and begun, or undated and observed this year); NULL when unknown.';
COMMENT ON COLUMN talent_records.grad_country IS 'Country of the PhD, else of the master''s: degree rows (is_degree) that count for this year; NULL when unknown. Never from a student position at a company.';
COMMENT ON COLUMN talent_records.work_country IS 'Country of work at the conference: the paper''s resolved affiliation first (see work_origin: for OpenReview years a profile snapshot, not the paper), else the email domain on the paper, else the profile/ORCID entry dated to that year, else an undated profile position observed for exactly this year.';
COMMENT ON COLUMN talent_records.work_institution_id IS 'Institution of work at the conference (joins institutions); NULL when only the country is known.';
COMMENT ON COLUMN talent_records.sector IS 'academia, industry, government or other, from the work institution''s type; NULL when no institution.';
COMMENT ON COLUMN talent_records.evidence IS 'JSON: per field, the source table (authorship_affiliations, authorship_email_domain, openreview_profile, orcid, papers, analyst_correction), origin (paper, conference_site, openreview_profile_snapshot, email_domain_on_paper, openreview_profile_history, orcid, analyst_correction), observed_year and method behind the value.';
COMMENT ON COLUMN talent_records.track IS 'main when any of the person''s papers that year is main track, else the track of their papers (datasets_and_benchmarks); restrict to main for MacroPolo-comparable figures.';
COMMENT ON COLUMN talent_records.tracks IS 'Every track of the person''s papers that year.';
COMMENT ON COLUMN talent_records.main_track_tier IS 'Highest tier among the person''s main-track papers that year (NULL when none is main track).';
COMMENT ON COLUMN talent_records.work_origin IS 'Where work_country comes from: paper (as submitted), conference_site, openreview_profile_snapshot (profile entry covering the year, crawled later: may name a later employer), email_domain_on_paper, openreview_profile_history, orcid or analyst_correction; NULL when work_country is.';
COMMENT ON COLUMN talent_records.test_data IS 'True for fictional test people (on a paper or with a profile/ORCID record marked test_data): never in a study view, an export or the report.';
COMMENT ON COLUMN talent_records.work_observed_year IS 'Year the source states the work value for (the conference year for paper and profile snapshots, email domains and corrections; the year a dated history entry covers); NULL when work_country is NULL.';
COMMENT ON COLUMN talent_records.confidence IS 'Mean confidence (0–1) of the known country fields; 0 when none is known. Low values first in `talent review export`.';

COMMENT ON TABLE analyst_corrections IS 'Lines of the corrections file read by the last build, whether each was applied and, if not, why.';
COMMENT ON COLUMN analyst_corrections.line_no IS 'Line in the corrections file.';
COMMENT ON COLUMN analyst_corrections.person_id IS 'Person corrected (persons.person_id).';
COMMENT ON COLUMN analyst_corrections.field IS 'Field corrected: name, undergrad_country, grad_country, work_country, work_institution_id or sector.';
COMMENT ON COLUMN analyst_corrections.year IS 'Conference year the correction is limited to; NULL = every year.';
COMMENT ON COLUMN analyst_corrections.value IS 'Value set (normalised; NULL = known to be unknown).';
COMMENT ON COLUMN analyst_corrections.note IS 'Analyst''s note: why and from what source.';
COMMENT ON COLUMN analyst_corrections.applied IS 'True when the correction changed at least one talent record.';
COMMENT ON COLUMN analyst_corrections.problem IS 'Why the line was not applied (unknown person, field or value); NULL when fine.';
COMMENT ON COLUMN analyst_corrections.file IS 'Corrections file the build read.';
