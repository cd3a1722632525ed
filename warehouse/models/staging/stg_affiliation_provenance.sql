-- stg_affiliation_provenance — grain: one row per authorship (conference, year, paper_id, author_position).
-- Where each raw affiliation string comes from and for which year it holds, so no analyst reads a
-- profile value as what the paper printed. The spiders say which site gave the string
-- (core_authorships.affiliation_source); what that site's value *is* depends on the site and the year:
--   neurips_proceedings (Metadata.json, 2018–2020)  → 'paper': as submitted with the paper that year.
--   neurips_virtual before 2021                      → 'conference_site': the conference's own listing of
--                                                       that year's authors (built from the proceedings).
--   neurips_virtual from 2021, openreview            → 'openreview_profile_snapshot': the history entry of
--       the author's OpenReview profile that covers the conference year, as crawled years later (an entry
--       without an end date reaches every later year, so it may name a later employer, e.g. Google DeepMind).
-- affiliation_observed_year is the year the source states the value for (the conference year in all three);
-- affiliation_recorded says when the value was written down relative to that year.
CREATE OR REPLACE VIEW stg_affiliation_provenance AS
SELECT
    conference, year, paper_id, author_position,
    CASE
        WHEN affiliation_source IS NULL THEN NULL
        WHEN affiliation_source = 'neurips_proceedings' THEN 'paper'
        WHEN affiliation_source = 'neurips_virtual' AND year < 2021 THEN 'conference_site'
        WHEN affiliation_source IN ('neurips_virtual', 'openreview') THEN 'openreview_profile_snapshot'
        ELSE 'unknown:' || affiliation_source
    END AS affiliation_origin,
    CASE WHEN affiliation_source IS NOT NULL THEN year END AS affiliation_observed_year,
    CASE
        WHEN affiliation_source IS NULL THEN NULL
        WHEN affiliation_source = 'neurips_proceedings'
          OR (affiliation_source = 'neurips_virtual' AND year < 2021) THEN 'at publication'
        ELSE 'profile crawled after the conference'
    END AS affiliation_recorded
FROM core_authorships;
