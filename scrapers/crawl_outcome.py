"""Did a crawl succeed? One verdict from its manifest, shared by the landing pipeline and ``talent crawl``.

Scrapy finishes "finished" after a redirect loop, a 404 index, a DNS failure or a disk that filled up:
each of those lands nothing, or less than the site announced, and the only trace was a log line. A crawl
is failed here when it landed nothing, landed fewer records than the source announced, hit write errors,
or did not finish normally; the manifest carries the problems and ``talent crawl`` exits non-zero.
"""

from __future__ import annotations

from typing import Any

# Stats in which each spider records how many records the source announced (what a complete crawl lands).
ANNOUNCED_STATS: dict[str, str] = {
    "neurips_proceedings": "proceedings/index_entries",
    "openreview_profiles": "profiles/requested",
    "orcid": "orcid/requested",
}
GENERIC_ANNOUNCED_STAT = "source/announced_records"  # any spider may set this (HarvestSpider.announce)


def announced_records(source: str, stats: dict[str, Any]) -> int | None:
    """Records the source said it has, from the crawl's stats; None when the spider cannot know."""
    value = stats.get(GENERIC_ANNOUNCED_STAT)
    if value is None and source == "neurips_virtual" and stats.get("feed/declared_count") is not None:
        value = stats["feed/declared_count"] - stats.get("feed/duplicates_merged", 0)  # merged, not lost
    if value is None and source in ANNOUNCED_STATS:
        value = stats.get(ANNOUNCED_STATS[source])
    return int(value) if isinstance(value, int | float) else None


def crawl_problems(source: str, finish_reason: str | None, stats: dict[str, Any], landed: int) -> list[str]:
    """Why a crawl must count as failed (empty list: it succeeded)."""
    problems = []
    write_errors = int(stats.get("landing/write_errors", 0))
    if write_errors:
        problems.append(f"{write_errors} record(s) could not be written to the landing folder "
                        f"({stats.get('landing/write_error', 'OSError')})")
    if finish_reason not in (None, "finished"):
        problems.append(f"finish reason {finish_reason!r}, not 'finished'")
    rejects = int(stats.get("landing/rejects", 0))
    if landed == 0:
        problems.append(f"landed no records ({rejects} rejects, "
                        f"{int(stats.get('downloader/request_count', 0))} requests)")
    announced = announced_records(source, stats)
    if announced is not None and 0 < landed < announced:
        problems.append(f"landed {landed} of {announced} records the source announced ({rejects} rejects)")
    return problems
