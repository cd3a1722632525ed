"""Readers for the vendored registry inputs in ``data/registries/`` (see PROVENANCE.md there).

Each reader yields plain dicts in the source's own shape; merging them is :mod:`etl.registry.build`'s
job. Keeping readers dumb makes a new source (or a full ROR dump, :mod:`etl.registry.ror_dump`) a
matter of one more reader.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from etl.registry.vendor import (
    EVIDENCE_FILE,
    HIPO_FILE,
    ROR_FILE,
    ROR_STUBS_FILE,
    SWOT_FILE,
)

VERIFIED_SEED_FILE = "ai_labs_verified.csv"

# Free-mail providers: an address there says nothing about the author's institution.
WEBMAIL_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com", "yahoo.com",
    "yahoo.co.jp", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "foxmail.com",
    "aliyun.com", "protonmail.com", "proton.me", "pm.me", "gmx.de", "gmx.net", "gmx.com", "web.de",
    "mail.ru", "yandex.ru", "yandex.com", "naver.com", "daum.net", "hanmail.net", "outlook.fr",
    "hotmail.fr", "hotmail.co.uk", "live.cn", "139.com", "tutanota.com", "zoho.com", "mail.com",
    "rediffmail.com", "orange.fr", "free.fr", "laposte.net", "libero.it", "t-online.de", "fastmail.com",
    "hey.com", "email.com", "inbox.ru", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "bk.ru", "list.ru",
    "github.io", "github.com", "googlegroups.com",
})

# Second-level registries under which a bare suffix names no institution.
PUBLIC_SUFFIXES: frozenset[str] = frozenset({
    "com", "org", "net", "edu", "gov", "io", "ai", "co", "info", "biz", "mil", "int",
    "edu.cn", "ac.cn", "com.cn", "org.cn", "gov.cn", "net.cn", "ac.uk", "co.uk", "org.uk", "gov.uk",
    "ac.jp", "co.jp", "go.jp", "or.jp", "ac.kr", "co.kr", "re.kr", "or.kr", "go.kr", "edu.au", "com.au",
    "org.au", "gov.au", "edu.hk", "com.hk", "edu.tw", "com.tw", "org.tw", "edu.sg", "com.sg", "gov.sg",
    "ac.il", "co.il", "ac.in", "edu.in", "res.in", "co.in", "ernet.in", "ac.ir", "ac.za", "co.za",
    "edu.br", "com.br", "edu.mx", "edu.ar", "edu.co", "edu.pe", "edu.tr", "com.tr", "edu.pl", "edu.my",
    "edu.vn", "edu.pk", "edu.sa", "ac.ae", "ac.at", "ac.be", "ac.nz", "ac.th", "ac.id", "edu.eg",
    "edu.gr", "edu.es", "edu.it", "edu.mo", "gc.ca", "ac.cy", "edu.ph", "ac.ma",
})


def read_jsonl_gz(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def read_ror(data_dir: Path) -> Iterator[dict]:
    """Trimmed ROR records (see :func:`etl.registry.vendor.trim_ror_record`)."""
    return read_jsonl_gz(data_dir / ROR_FILE)


def read_ror_stubs(data_dir: Path) -> Iterator[dict]:
    """ROR ids referenced by union records but absent from it: id, name, referencing countries."""
    return read_jsonl_gz(data_dir / ROR_STUBS_FILE)


def read_hipo(data_dir: Path) -> Iterator[dict]:
    return read_jsonl_gz(data_dir / HIPO_FILE)


def read_swot(data_dir: Path) -> Iterator[dict]:
    return read_jsonl_gz(data_dir / SWOT_FILE)


def read_lines(path: Path) -> list[str]:
    return [line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def refused_domains(data_dir: Path) -> frozenset[str]:
    """Webmail, the swot stoplist, and bare public suffixes.

    swot's ``abused.txt`` is *not* refused: it lists real universities' domains (utexas.edu, tamu.edu)
    whose addresses were misused to obtain student licences. That says nothing against the domain
    naming its institution, and refusing it left UT Austin and Texas A&M without their domains.
    """
    refused = set(WEBMAIL_DOMAINS) | set(PUBLIC_SUFFIXES)
    refused.update(read_lines(data_dir / "swot_stoplist.txt"))
    refused.update(read_lines(data_dir / "swot_tlds.txt"))
    return frozenset(refused)


def read_seed(data_dir: Path) -> list[dict]:
    """The AI-lab seed: the verified one when it exists (normal case), the unverified one otherwise."""
    path = data_dir / VERIFIED_SEED_FILE
    if not path.exists():
        path = data_dir / "ai_labs_seed.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_aff_domain_pairs(data_dir: Path) -> list[tuple[str, str, int]]:
    """NeurIPS 2021/2022 (aff, aff_domain, n_authors) evidence."""
    with gzip.open(data_dir / EVIDENCE_FILE, "rt", encoding="utf-8", newline="") as fh:
        return [(row["aff"], row["aff_domain"], int(row["n_authors"])) for row in csv.DictReader(fh)]
