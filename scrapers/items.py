"""Typed records the parsers return and the landing pipeline writes.

Every source (virtual-site feed, proceedings, OpenReview) is parsed into the same ``PaperRecord`` so the
warehouse loads one shape; the source-specific details that matter later (forum URL, proceedings hash,
raw decision string) stay in ``links`` and ``decision``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TIERS = ("oral", "spotlight", "poster")
TIER_RANK = {"poster": 1, "spotlight": 2, "oral": 3}


class LandsAsIs:
    """Mixin of records whose landed form is every field as it is (``to_dict``)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(slots=True)
class AuthorRecord:
    """One authorship as published: position from 1, the affiliation string untouched."""

    position: int
    name: str
    institution: str | None = None
    source_id: str | None = None
    email_domain: str | None = None


@dataclass(slots=True)
class PaperRecord:
    """One accepted paper of one conference-year, as one source describes it."""

    conference: str
    year: int
    paper_id: str
    title: str
    track: str = "main"
    tier: str | None = None
    decision: str | None = None
    authors: list[AuthorRecord] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    test_data: bool = False  # a fictional paper of the mirror's TalentFixture venue; never study data

    record_type = "paper"

    @property
    def record_key(self) -> str:
        return f"{self.conference}/{self.year}/{self.paper_id}"

    def to_dict(self) -> dict[str, Any]:
        """The landed form; ``test_data`` appears only when true, so real records keep their content hash."""
        data = asdict(self)
        if not self.test_data:
            del data["test_data"]
        return data


@dataclass(slots=True)
class ProfileRecord(LandsAsIs):
    """One researcher profile (OpenReview or ORCID) as the source returned it, already stripped of emails."""

    source_profile_id: str
    data: dict[str, Any]
    hidden: bool = False

    record_type = "profile"

    @property
    def record_key(self) -> str:
        return self.source_profile_id


@dataclass(slots=True)
class LandedRecord:
    """What a spider yields: a parsed record plus where and when its bytes came from."""

    record: PaperRecord | ProfileRecord
    source_url: str
    body_sha256: str


@dataclass(slots=True)
class RejectRecord:
    """A response we could not turn into records: kept with its URL and reason, never silently dropped."""

    url: str
    reason: str
    status: int | None = None
