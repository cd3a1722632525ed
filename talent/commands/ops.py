"""Operations around the crawls: ``talent diff``, ``talent deploy``, ``talent schedule``, ``talent synth``.

What a data engineer runs besides the crawls themselves: what changed between two crawls
(:mod:`warehouse.diff`), shipping the Scrapy project to scrapyd and queueing spiders there
(:mod:`talent.scheduling`), and synthetic populations for growth tests (:mod:`mirror.synthetic`).
"""

from __future__ import annotations

import argparse
import json
from contextlib import closing
from pathlib import Path

from talent.commands._args import scrapy_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    diff = subparsers.add_parser("diff", help="records added, removed and changed between two crawls")
    diff.add_argument("crawl_a", nargs="?", help="older crawl id (default: the second latest of each source)")
    diff.add_argument("crawl_b", nargs="?", help="newer crawl id (default: the latest)")
    diff.add_argument("--source", help="only this source (spider name)")
    diff.add_argument("--limit", type=int, default=50, help="records listed per kind (default %(default)s)")
    diff.add_argument("--json", action="store_true", help="print the full diff as JSON")
    diff.add_argument("--across-years", action="store_true",
                      help="allow comparing two named crawls of different conference-years")
    diff.set_defaults(handler=run_diff)

    deploy = subparsers.add_parser("deploy", help="build the scrapers-only egg and add it to scrapyd")
    deploy.add_argument("--target", default="", help="scrapy.cfg [deploy:NAME] target (default [deploy])")
    deploy.add_argument("--url", help="scrapyd URL (default: the target's url)")
    deploy.add_argument("--version", help="egg version (default: UTC time)")
    deploy.add_argument("--egg-dir", type=Path, default=Path("data/eggs"))
    deploy.set_defaults(handler=run_deploy)

    schedule = subparsers.add_parser("schedule", help="queue one spider run on scrapyd (schedule.json)")
    schedule.add_argument("spider")
    schedule.add_argument("--year", type=int, required=True)
    schedule.add_argument("--conference", default="neurips")
    schedule.add_argument("--crawl-id", help="crawl id (default: the spider makes one)")
    schedule.add_argument("--target", default="")
    schedule.add_argument("--url", help="scrapyd URL (default: the target's url)")
    schedule.add_argument("--mirror", metavar="URL", help="crawl the local mirror at URL")
    schedule.add_argument("--set", action="append", metavar="NAME=VALUE", help="Scrapy setting for the job")
    schedule.add_argument("--wait", type=float, default=0, metavar="SECONDS", help="wait for the job to finish")
    schedule.set_defaults(handler=run_schedule)

    synth = subparsers.add_parser("synth", help="write a SYNTHETIC population (k× NeurIPS 2022) as a landing file")
    synth.add_argument("--scale", type=float, default=10.0, help="size as a multiple of NeurIPS 2022")
    synth.add_argument("--seed", type=int, default=2022)
    synth.add_argument("--landing-dir", type=Path, default=Path("data/synthetic/landing"))
    synth.set_defaults(handler=run_synth)


def run_diff(args: argparse.Namespace) -> int:
    from warehouse.db import connect
    from warehouse.diff import DiffError, diffs

    with closing(connect(args.warehouse, read_only=True)) as con:
        try:
            results = diffs(con, args.source, args.crawl_a, args.crawl_b, across_years=args.across_years)
        except DiffError as exc:
            print(f"talent diff: {exc}")
            return 2
    if args.json:
        print(json.dumps([d.to_dict() for d in results], ensure_ascii=False, default=str))
        return 0
    for result in results:
        print(result.summary())
        for key in result.added[: args.limit]:
            print(f"  + {key}")
        for key in result.removed[: args.limit]:
            print(f"  - {key}")
        for change in result.changed[: args.limit]:
            print(f"  ~ {change.record_key}: " + "; ".join(str(c) for c in change.changes))
    return 0


def run_deploy(args: argparse.Namespace) -> int:
    from talent.scheduling import ScrapydClient, build_egg, deploy_target, egg_version

    url, project = deploy_target(args.target)
    version = args.version or egg_version()
    egg = build_egg(args.egg_dir, version)
    answer = ScrapydClient(args.url or url, project).add_version(egg, version)
    print(f"deployed {egg.name} to {args.url or url} as {project} version {version}: {answer.get('spiders')} spiders")
    return 0


def run_schedule(args: argparse.Namespace) -> int:
    from talent.scheduling import ScrapydClient, deploy_target

    url, project = deploy_target(args.target)
    arguments = {"year": str(args.year), "conference": args.conference}
    if args.crawl_id:
        arguments["crawl_id"] = args.crawl_id
    client = ScrapydClient(args.url or url, project)
    job = client.schedule(args.spider, arguments, scrapy_settings(args))
    print(f"scheduled {args.spider} {args.conference} {args.year} on {client.url}: job {job}")
    if args.wait:
        finished = client.wait(job, timeout=args.wait)
        print(f"job {job} finished at {finished.get('end_time')}")
    return 0


def run_synth(args: argparse.Namespace) -> int:
    from mirror.synthetic import generate, write_landing

    population = generate(args.scale, seed=args.seed)
    path = write_landing(population, args.landing_dir)
    print(f"synthetic population ×{args.scale:g}: {len(population.papers)} papers, "
          f"{population.authorships} authorships, {population.persons} persons → {path}")
    return 0
