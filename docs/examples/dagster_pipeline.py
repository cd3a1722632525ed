"""Optional example: the seasonal harvest as a Dagster job — crawl → load → resolve → export.

Not a dependency of the project or its tests (``pip install dagster`` to use it). Each op runs one
``talent`` command, so a failed step is retried alone and Dagster's run history shows each step's time.
Crawls use a JOBDIR per spider and year, so a retried crawl resumes instead of starting over, and the HTTP
cache so a re-crawl revalidates (304s) instead of re-downloading.

    dagster job execute -f docs/examples/dagster_pipeline.py -j neurips_harvest   # or `dagster dev -f …`
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from dagster import Config, In, Nothing, OpExecutionContext, RetryPolicy, ScheduleDefinition, job, op

ROOT = Path(__file__).resolve().parents[2]
TALENT = str(ROOT / ".venv" / "bin" / "talent")


class HarvestConfig(Config):
    year: int = 2025
    landing_dir: str = "data/landing"
    cache_dir: str = "data/httpcache"


def _talent(context: OpExecutionContext, *args: str) -> None:
    context.log.info("talent %s", " ".join(args))
    subprocess.run([TALENT, *args], cwd=ROOT, check=True)


@op(retry_policy=RetryPolicy(max_retries=2, delay=300))
def crawl(context: OpExecutionContext, config: HarvestConfig) -> None:
    for spider in ("neurips_virtual", "neurips_proceedings", "openreview"):
        _talent(context, "crawl", spider, "--year", str(config.year), "--landing-dir", config.landing_dir,
                "--jobdir", f"data/jobs/{spider}-{config.year}",
                "--set", "HTTPCACHE_ENABLED=True", "--set", f"HTTPCACHE_DIR={ROOT / config.cache_dir}")


@op(ins={"after": In(Nothing)})
def load(context: OpExecutionContext, config: HarvestConfig) -> None:
    _talent(context, "load", config.landing_dir)
    _talent(context, "diff")


@op(ins={"after": In(Nothing)})
def resolve(context: OpExecutionContext) -> None:
    _talent(context, "registry", "build")
    _talent(context, "build")


@op(ins={"after": In(Nothing)})
def export(context: OpExecutionContext) -> None:
    _talent(context, "export", "--out", "data/export")


@job
def neurips_harvest() -> None:
    export(after=resolve(after=load(after=crawl())))


weekly = ScheduleDefinition(job=neurips_harvest, cron_schedule="0 3 * * 1")
