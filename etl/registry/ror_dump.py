"""Replace the vendored ROR union with a full ROR data dump (``talent registry update --ror-dump``).

ROR publishes complete dumps on Zenodo (community "ror-data") as a zip holding one JSON array in
schema v1 and/or v2. Machines with internet can pass the URL (fetched with retries); others a local
path to the zip or the extracted JSON. Records are trimmed to the vendored shape
(:func:`etl.registry.vendor.trim_ror_record`), so the rest of the build does not care where they
came from.
"""

from __future__ import annotations

import json
import logging
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.vendor import ROR_FILE, trim_ror_record, write_jsonl_gz

log = logging.getLogger(__name__)


def _bare_id(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1]


def from_v2(rec: dict) -> dict:
    """A ROR schema-v2 record in the flattened union shape."""
    names = rec.get("names") or []
    display = next((n["value"] for n in names if "ror_display" in n.get("types", [])), rec.get("name", ""))
    geo = (rec.get("locations") or [{}])[0].get("geonames_details", {})
    return {
        "id": _bare_id(rec["id"]),
        "name": display,
        "aliases": [n["value"] for n in names if "alias" in n.get("types", [])],
        "acronyms": [n["value"] for n in names if "acronym" in n.get("types", [])],
        "labels": [{"value": n["value"], "lang": n.get("lang")} for n in names if "label" in n.get("types", [])],
        "types": rec.get("types") or [],
        "country_code": geo.get("country_code"),
        "city": geo.get("name"),
        "domains": rec.get("domains") or [],
        "links": [link["value"] for link in rec.get("links") or [] if link.get("type") == "website"],
        "relationships": [{"type": r["type"], "id": _bare_id(r["id"])} for r in rec.get("relationships") or []],
        "status": rec.get("status"),
    }


def from_v1(rec: dict) -> dict:
    """A ROR schema-v1 record in the flattened union shape."""
    addresses = rec.get("addresses") or [{}]
    return {
        "id": _bare_id(rec["id"]),
        "name": rec["name"],
        "aliases": rec.get("aliases") or [],
        "acronyms": rec.get("acronyms") or [],
        "labels": [{"value": lab["label"], "lang": lab.get("iso639")} for lab in rec.get("labels") or []],
        "types": [t.lower() for t in rec.get("types") or []],
        "country_code": (rec.get("country") or {}).get("country_code"),
        "city": addresses[0].get("city"),
        "domains": [],
        "links": rec.get("links") or [],
        "relationships": [{"type": r["type"].lower(), "id": _bare_id(r["id"])} for r in rec.get("relationships") or []],
        "status": rec.get("status"),
    }


def parse_records(data: bytes) -> Iterator[dict]:
    """Records of a dump JSON array, whichever schema it is in."""
    for rec in json.loads(data):
        flat = from_v2(rec) if "names" in rec else from_v1(rec)
        trimmed = trim_ror_record(flat)
        if trimmed:
            yield trimmed


def read_dump(path: Path) -> list[dict]:
    """All records of a dump zip (v2 file preferred when both schemas are inside) or JSON file."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.endswith(".json")]
            if not members:
                raise ValueError(f"{path}: no .json file inside the zip")
            member = next((m for m in members if "v2" in m), members[0])
            return list(parse_records(zf.read(member)))
    return list(parse_records(path.read_bytes()))


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=2, max=60),
       retry=retry_if_exception_type(OSError), reraise=True)
def fetch(url: str, dest: Path) -> Path:
    """Download a dump with retries (connection errors and timeouts are retried, 4xx are not OSErrors)."""
    log.info("fetching %s", url)
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - operator-given URL
        data = response.read()
    dest.write_bytes(data)
    return dest


def update_from_dump(source: str, data_dir: Path = REGISTRY_DATA_DIR) -> int:
    """Replace ``ror_records.jsonl.gz`` with the dump at ``source`` (path or URL); return record count."""
    if source.startswith(("http://", "https://")):
        path = fetch(source, data_dir / "ror-dump-download.zip")
    else:
        path = Path(source)
    records = read_dump(path)
    if not records:
        raise ValueError(f"{source}: no ROR records found")
    count = write_jsonl_gz(data_dir / ROR_FILE, records)
    log.info("wrote %d ROR records to %s", count, data_dir / ROR_FILE)
    return count
