"""Scale-out: two crawler processes share one Redis request queue and dupefilter; every record of the
2019 proceedings lands exactly once across the two workers' landing files.

The test starts Debian's ``redis-server`` on a free loopback port (no persistence) and two real
``scrapy crawl`` processes with the same SCALEOUT_RUN_ID and their own crawl ids.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from mirror.faults import FaultRule
from talent.crawl import crawl_command, mirror_settings

IN_CI = os.environ.get("CI", "").lower() == "true"
if IN_CI:  # CI installs all of it (.ci/run): a missing piece is a failure there, never a skip
    import redis
    import scrapy_redis  # noqa: F401
else:
    pytest.importorskip("scrapy_redis")
    redis = pytest.importorskip("redis")
REDIS_SERVER = shutil.which("redis-server")
if IN_CI and REDIS_SERVER is None:
    raise RuntimeError("redis-server is not installed; .ci/run must apt-get install redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server not installed (apt-get install redis-server)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=20)


def _keys(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["record_key"] for line in handle]


def test_two_workers_land_every_record_exactly_once(harvest, mirror, redis_url, tmp_path):
    reference = next(r for r in harvest.runs if r.spider == "neurips_proceedings" and r.arguments["year"] == "2019")
    expected = _keys(reference.landing_file)
    mirror.set_faults([FaultRule(path=r"-Metadata\.json", kind="slow", times=None, delay=0.01)])
    landing = tmp_path / "landing"
    settings = {
        **mirror_settings(mirror.base_url),
        "LANDING_DIR": str(landing),
        "SCALEOUT_REDIS_URL": redis_url,
        "SCALEOUT_RUN_ID": "test-2019",
        "SCALEOUT_IDLE_CLOSE_SECONDS": 2,
        "LOG_LEVEL": "INFO",
    }
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    workers = []
    for n in (1, 2):
        command = crawl_command("neurips_proceedings", {"year": "2019", "crawl_id": f"scaleout-w{n}"}, settings)
        log = (tmp_path / f"worker{n}.log").open("wb")
        workers.append((subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    for process, log in workers:
        try:
            assert process.wait(timeout=180) == 0
        finally:
            log.close()
    per_worker = [_keys(landing / "neurips_proceedings" / f"scaleout-w{n}.jsonl") for n in (1, 2)]
    logs = "\n".join((tmp_path / f"worker{n}.log").read_text(errors="replace")[-3000:] for n in (1, 2))
    assert all(per_worker), f"one worker landed nothing: {[len(k) for k in per_worker]}\n{logs}"
    landed = per_worker[0] + per_worker[1]
    assert len(landed) == len(set(landed)), "a record landed in both workers"
    assert sorted(landed) == sorted(expected)
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.scard("talent:test-2019:neurips_proceedings:dupefilter") >= len(expected)
        assert client.zcard("talent:test-2019:neurips_proceedings:requests") == 0
    finally:
        client.close()
