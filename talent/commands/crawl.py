"""``talent crawl``: run one spider, live or against a mirror, into landing files (:mod:`talent.crawl`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from talent import crawl as crawler
from talent.commands._args import scrapy_settings

PAPER_SPIDERS = ("neurips_virtual", "neurips_proceedings", "openreview")
PROFILE_SPIDERS = ("openreview_profiles", "orcid", "homepages")


def register(subparsers: argparse._SubParsersAction) -> None:
    crawl = subparsers.add_parser("crawl", help="run one spider into landing files (live by default)")
    crawl.add_argument("spider", choices=PAPER_SPIDERS + PROFILE_SPIDERS)
    crawl.add_argument("--year", type=int, help="conference year (paper spiders)")
    crawl.add_argument("--conference", default="neurips", help="conference name (icml, iclr, … for the feed)")
    crawl.add_argument("--venue", help="OpenReview venue prefix, e.g. NeurIPS.cc or ICLR.cc")
    crawl.add_argument("--ids-file", type=Path, help="profile ids / ORCID iDs, one per line (profile spiders)")
    crawl.add_argument("--profiles-landing", type=Path,
                       help="orcid, homepages: ORCID iDs / homepage URLs from landed OpenReview profiles")
    crawl.add_argument("--base-url", help="override the site's base URL (e.g. https://icml.cc)")
    crawl.add_argument("--mirror", metavar="URL", help="crawl the local mirror at URL instead of the live sites")
    crawl.add_argument("--landing-dir", type=Path, default=Path("data/landing"))
    crawl.add_argument("--jobdir", type=Path, help="persist crawl state here so a killed crawl resumes")
    crawl.add_argument("--log-file", type=Path, help="append the spider's log here")
    crawl.add_argument("--set", action="append", metavar="NAME=VALUE", help="extra Scrapy setting")
    crawl.set_defaults(handler=run_crawl)


def spider_arguments(args: argparse.Namespace) -> dict[str, str]:
    """Spider arguments from the command line; paper spiders need --year, profile spiders their ids."""
    if args.spider in PAPER_SPIDERS:
        if args.year is None:
            raise SystemExit(f"talent crawl {args.spider}: --year is required")
        arguments = {"year": str(args.year), "conference": args.conference}
        if args.venue:
            arguments["venue"] = args.venue
    else:
        arguments = {}
        if args.ids_file:  # homepages: a file of URLs, one a line
            arguments["urls_file" if args.spider == "homepages" else "ids_file"] = str(args.ids_file)
        if args.profiles_landing:
            arguments["profiles_landing"] = str(args.profiles_landing)
        if not arguments:
            raise SystemExit(f"talent crawl {args.spider}: give --ids-file (or --profiles-landing: orcid, homepages)")
    if args.base_url:
        arguments["base_url"] = args.base_url
    return arguments


class ProgressLine:
    """Prints how many records have landed, at most every ``every`` seconds, to stderr (stdout stays the
    summary a script reads). A single crawl can run for minutes; silence looks like a hang."""

    def __init__(self, label: str, every: float = 5.0) -> None:
        self.label, self.every = label, every
        self.started = self.last = time.monotonic()
        self.count = -1

    def __call__(self, records: int) -> None:
        now = time.monotonic()
        if records != self.count and now - self.last >= self.every:
            self.count, self.last = records, now
            print(f"{self.label}: {records:,} records landed ({now - self.started:.0f} s)", file=sys.stderr,
                  flush=True)


def run_crawl(args: argparse.Namespace) -> int:
    arguments = spider_arguments(args)
    what = f"{args.conference} {args.year}" if args.spider in PAPER_SPIDERS else "profiles"
    run = crawler.run_crawl(
        args.spider, arguments, args.landing_dir, settings=scrapy_settings(args), jobdir=args.jobdir,
        log_file=args.log_file, on_progress=ProgressLine(f"crawl {args.spider} {what}"),
    )
    stats = run.stats
    print(
        f"{run.spider} {what}: crawl {run.crawl_id} → {run.landing_file} "
        f"({run.records} records, {stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('landing/rejects', 0)} rejects, finish reason {run.manifest.get('finish_reason')}, "
        f"{run.seconds:.1f} s)"
    )
    problems = run.problems
    for problem in problems:
        print(f"  FAILED: {problem}")
    if problems:
        where = f"; log in {args.log_file}" if args.log_file else ""
        print(f"crawl {run.crawl_id} failed ({len(problems)} problem(s)){where}")
        return run.returncode or 1
    return 0
