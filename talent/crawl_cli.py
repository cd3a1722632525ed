"""``talent crawl``: run one spider, live or against a mirror, into landing files."""

from __future__ import annotations

import argparse
from pathlib import Path

from talent.crawl import mirror_settings, run_crawl

SPIDERS = ("neurips_virtual", "neurips_proceedings", "openreview")


def _crawl(args: argparse.Namespace) -> int:
    arguments = {"year": str(args.year), "conference": args.conference}
    if args.venue:
        arguments["venue"] = args.venue
    if args.base_url:
        arguments["base_url"] = args.base_url
    settings: dict[str, object] = mirror_settings(args.mirror) if args.mirror else {}
    for pair in args.set or []:
        name, _, value = pair.partition("=")
        settings[name] = value
    run = run_crawl(
        args.spider, arguments, args.landing_dir, settings=settings, jobdir=args.jobdir, log_file=args.log_file
    )
    stats = run.stats
    print(
        f"{run.spider} {args.conference} {args.year}: crawl {run.crawl_id} → {run.landing_file} "
        f"({run.records} records, {stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('landing/rejects', 0)} rejects, finish reason {run.manifest.get('finish_reason')}, "
        f"{run.seconds:.1f} s)"
    )
    return run.returncode


def register(sub: argparse._SubParsersAction) -> None:
    crawl = sub.add_parser("crawl", help="run one spider into landing files (live by default)")
    crawl.add_argument("spider", choices=SPIDERS)
    crawl.add_argument("--year", type=int, required=True)
    crawl.add_argument("--conference", default="neurips", help="conference name (icml, iclr, … for the feed)")
    crawl.add_argument("--venue", help="OpenReview venue prefix, e.g. NeurIPS.cc or ICLR.cc")
    crawl.add_argument("--base-url", help="override the site's base URL (e.g. https://icml.cc)")
    crawl.add_argument("--mirror", metavar="URL", help="crawl the local mirror at URL instead of the live sites")
    crawl.add_argument("--landing-dir", type=Path, default=Path("data/landing"))
    crawl.add_argument("--jobdir", type=Path, help="persist crawl state here so a killed crawl resumes")
    crawl.add_argument("--log-file", type=Path, help="append the spider's log here")
    crawl.add_argument("--set", action="append", metavar="NAME=VALUE", help="extra Scrapy setting")
    crawl.set_defaults(handler=_crawl)
