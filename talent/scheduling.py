"""Scheduled crawls on scrapyd: build the project egg, deploy it, schedule spiders, wait for jobs.

scrapyd runs spiders from an egg it stores per project and version. The egg holds only ``scrapers/``
(the Scrapy project): the rest of the repository (warehouse, resolution, mirror) stays on the machines
that load and build, so a crawler host needs nothing but Scrapy and the egg. :func:`foreign_imports`
checks that promise statically; the scrapyd test also imports every module from the egg with the other
top-level packages blocked.

The egg is built the way scrapyd-client's ``scrapyd-deploy`` does it (``setup.py bdist_egg`` with a
``scrapy`` entry point naming the settings module), but from a copy of ``scrapers/`` in a temporary
folder, because the repository root's ``pyproject.toml`` describes the whole project, not the egg.
"""

from __future__ import annotations

import ast
import configparser
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.paths import REPO_ROOT

PROJECT_PACKAGE = "scrapers"
# Top-level packages of this repository that must never be imported by the Scrapy project.
OTHER_PACKAGES = ("etl", "warehouse", "talent", "mirror", "bench", "tests")

_SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name="talent-scrapers",
    version="{version}",
    packages=find_packages(include=["scrapers", "scrapers.*"]),
    entry_points={{"scrapy": ["settings = scrapers.settings"]}},
    zip_safe=True,
)
"""


class SchedulingError(RuntimeError):
    """scrapyd refused a request or a job did not finish; the message carries scrapyd's answer."""


def foreign_imports(package_dir: Path | None = None) -> list[str]:
    """``file:line module`` for every import in the Scrapy project that reaches outside ``scrapers``."""
    package_dir = package_dir or REPO_ROOT / PROJECT_PACKAGE
    found: list[str] = []
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in OTHER_PACKAGES:
                    found.append(f"{path.relative_to(package_dir.parent)}:{node.lineno} {name}")
    return found


def egg_version() -> str:
    """A version scrapyd sorts correctly (it runs the highest): UTC time to the second."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime())


def build_egg(out_dir: Path, version: str | None = None, package_dir: Path | None = None) -> Path:
    """Build ``talent_scrapers-<version>-py3.X.egg`` in ``out_dir`` from ``scrapers/`` only."""
    package_dir = package_dir or REPO_ROOT / PROJECT_PACKAGE
    problems = foreign_imports(package_dir)
    if problems:
        raise SchedulingError("the Scrapy project imports code the egg will not hold: " + "; ".join(problems))
    version = version or egg_version()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="talent-egg-") as tmp:
        work = Path(tmp)
        shutil.copytree(package_dir, work / PROJECT_PACKAGE, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (work / "setup.py").write_text(_SETUP_PY.format(version=version), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "setup.py", "-q", "bdist_egg", "-d", str(work / "dist")],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SchedulingError(f"bdist_egg failed:\n{result.stderr[-2000:]}")
        (egg,) = (work / "dist").glob("*.egg")
        target = out_dir / egg.name
        shutil.copy(egg, target)
    return target


def deploy_target(name: str = "", cfg_path: Path | None = None) -> tuple[str, str]:
    """(url, project) of ``[deploy]`` or ``[deploy:<name>]`` in scrapy.cfg."""
    parser = configparser.ConfigParser()
    parser.read(cfg_path or REPO_ROOT / "scrapy.cfg")
    section = f"deploy:{name}" if name else "deploy"
    if not parser.has_section(section):
        raise SchedulingError(f"scrapy.cfg has no [{section}] section")
    return parser.get(section, "url"), parser.get(section, "project", fallback="default")


@dataclass(slots=True)
class ScrapydClient:
    """The few scrapyd JSON endpoints an operator needs: addversion, schedule, listjobs, cancel."""

    url: str
    project: str = "talent"
    timeout: float = 30.0

    def _call(self, endpoint: str, fields: dict[str, Any] | None = None, files: dict[str, bytes] | None = None,
              method: str = "POST") -> dict[str, Any]:
        address = urllib.parse.urljoin(self.url.rstrip("/") + "/", endpoint)
        if method == "GET":
            request = urllib.request.Request(f"{address}?{urllib.parse.urlencode(fields or {})}")
        elif files:
            body, content_type = _multipart(fields or {}, files)
            request = urllib.request.Request(address, data=body, headers={"Content-Type": content_type})
        else:
            request = urllib.request.Request(address, data=urllib.parse.urlencode(fields or {}, doseq=True).encode())
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - operator's URL
            answer = json.loads(response.read())
        if answer.get("status") != "ok":
            raise SchedulingError(f"scrapyd {endpoint}: {answer}")
        return answer

    def add_version(self, egg: Path, version: str) -> dict[str, Any]:
        return self._call(
            "addversion.json", {"project": self.project, "version": version}, files={"egg": egg.read_bytes()}
        )

    def list_spiders(self) -> list[str]:
        return self._call("listspiders.json", {"project": self.project}, method="GET")["spiders"]

    def schedule(self, spider: str, arguments: dict[str, str] | None = None,
                 settings: dict[str, object] | None = None, job_id: str | None = None) -> str:
        """Queue one run; spider arguments become ``-a`` and settings ``-s`` in the child process."""
        fields: dict[str, Any] = {"project": self.project, "spider": spider, **(arguments or {})}
        if job_id:
            fields["jobid"] = job_id
        fields["setting"] = [f"{name}={value}" for name, value in (settings or {}).items()]
        return self._call("schedule.json", fields)["jobid"]

    def jobs(self) -> dict[str, list[dict[str, Any]]]:
        return self._call("listjobs.json", {"project": self.project}, method="GET")

    def wait(self, job_id: str, timeout: float = 300.0, poll: float = 0.5) -> dict[str, Any]:
        """Poll listjobs.json until the job is finished; its entry (with start and end times)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for job in self.jobs().get("finished", []):
                if job["id"] == job_id:
                    return job
            time.sleep(poll)
        raise SchedulingError(f"scrapyd job {job_id} did not finish within {timeout:.0f} s")


def _multipart(fields: dict[str, Any], files: dict[str, bytes]) -> tuple[bytes, str]:
    """multipart/form-data for addversion.json (urllib has no helper for it)."""
    boundary = f"talent{time.time_ns():x}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, data in files.items():
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.egg"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(header.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
