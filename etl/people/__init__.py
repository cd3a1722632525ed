"""People: which authorships are one person (resolution) and what career stage a position names.

Stages of resolution, one module each: ``normalise`` -> ``nodes`` -> ``block`` -> ``compare`` ->
``score`` -> ``cluster`` -> ``ids``; ``resolve`` runs them. ``stages`` maps position titles to career
stages. ``evaluation`` measures resolution against OpenReview profile ids. ``integrity`` decides whether a
profile names its author (a profile whose names share no token with the printed name is refused) and counts
persons still carrying someone else's profile.
"""

from etl.people.records import AuthorRow, load_model
from etl.people.resolve import resolve_persons, resolve_records, resolve_with_report
from etl.people.stages import stage_for

__all__ = ["AuthorRow", "load_model", "resolve_persons", "resolve_records", "resolve_with_report", "stage_for"]
