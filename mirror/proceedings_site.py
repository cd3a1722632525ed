"""proceedings.neurips.cc for 2019 and 2020, in the current (2023+) template.

Values (titles, author names, institutions, hashes) are the real ``-Metadata.json`` values; the HTML
around them is reconstructed from the documented template (shared/formats/FORMATS.md), because no real
proceedings page was available. Links are site-relative so the pages do not depend on the mirror's port.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

from mirror.page import BIBTEX, HTML, Page, json_page
from mirror.source_data import proceedings_metadata

BOOK = "Advances in Neural Information Processing Systems"
VOLUMES = {2019: 32, 2020: 33}
EDITORS = {
    2019: ["H. Wallach", "H. Larochelle", "A. Beygelzimer", "F. d\\textquotesingle Alch\\'{e}-Buc", "E. Fox",
           "R. Garnett"],
    2020: ["H. Larochelle", "M. Ranzato", "R. Hadsell", "M.F. Balcan", "H. Lin"],
}
UPSTREAM = "https://proceedings.neurips.cc"


def year_index_path(year: int) -> str:
    return f"/paper_files/paper/{year}"


def abstract_path(year: int, paper_hash: str) -> str:
    return f"/paper_files/paper/{year}/hash/{paper_hash}-Abstract.html"


def file_path(year: int, paper_hash: str, suffix: str) -> str:
    """``suffix`` is e.g. ``Metadata.json``, ``Bibtex.bib`` or ``Paper.pdf``."""
    return f"/paper_files/paper/{year}/file/{paper_hash}-{suffix}"


def full_name(author: dict[str, Any]) -> str:
    return " ".join(part for part in (author.get("given_name"), author.get("family_name")) if part)


def citation_name(author: dict[str, Any]) -> str:
    """Highwire ``citation_author`` form, "Last, First", as the real pages write it."""
    family, given = author.get("family_name") or "", author.get("given_name") or ""
    return f"{family}, {given}" if given else family


def _volume_title(year: int) -> str:
    return f"{BOOK} {VOLUMES[year]}  (NeurIPS {year})"


def render_year_index(year: int, papers: tuple[dict[str, Any], ...]) -> str:
    items = []
    for paper in papers:
        title = escape(paper["title"])
        names = escape(", ".join(full_name(author) for author in paper["authors"]))
        items.append(
            f'<li class="conference"><div class="paper-content">'
            f'<a title="{title}" href="{abstract_path(year, paper["hash"])}">{title}</a>'
            f'<span class="paper-authors">{names}</span></div></li>'
        )
    body = "\n".join(items)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(_volume_title(year))}</title>\n</head>\n<body>\n"
        f'<div class="container-fluid">\n<div class="col p-3">\n'
        f"<h2>{escape(_volume_title(year))}</h2>\n<ul class=\"paper-list\">\n{body}\n</ul>\n"
        f"</div>\n</div>\n</body>\n</html>\n"
    )


def render_abstract_page(year: int, paper: dict[str, Any]) -> str:
    title = escape(paper["title"])
    paper_hash = paper["hash"]
    metas = [f'<meta name="citation_title" content="{title}">']
    metas += [f'<meta name="citation_author" content="{escape(citation_name(author))}">'
              for author in paper["authors"]]
    metas += [
        f'<meta name="citation_journal_title" content="{BOOK}">',
        f'<meta name="citation_volume" content="{VOLUMES[year]}">',
        f'<meta name="citation_publication_date" content="{year}">',
        f'<meta name="citation_pdf_url" content="{file_path(year, paper_hash, "Paper.pdf")}">',
    ]
    names = escape(", ".join(full_name(author) for author in paper["authors"]))
    meta_block = "\n".join(metas)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"{meta_block}\n</head>\n<body>\n<div class=\"container-fluid\">\n<div class=\"col p-3\">\n"
        f"<h4>{title}</h4>\n<p>\n"
        f'<a class="btn btn-light btn-spacer" href="{file_path(year, paper_hash, "Bibtex.bib")}">Bibtex</a>\n'
        f'<a class="btn btn-light btn-spacer" href="{file_path(year, paper_hash, "Metadata.json")}">Metadata</a>\n'
        f'<a class="btn btn-primary btn-spacer" href="{file_path(year, paper_hash, "Paper.pdf")}">Paper</a>\n'
        f"</p>\n<h4>Authors</h4>\n<p><i>{names}</i></p>\n<h4>Abstract</h4>\n<p></p>\n"
        f"</div>\n</div>\n</body>\n</html>\n"
    )


def metadata_document(year: int, paper: dict[str, Any]) -> dict[str, Any]:
    """The real values, in the field order of the upstream file; wrapper fields marked reconstructed."""
    return {
        "title": paper["title"],
        "authors": [dict(author) for author in paper["authors"]],
        "award": list(paper.get("award") or []),
        "abstract": "",
        "book": BOOK,
        "volume": VOLUMES[year],
        "year": year,
        "hash": paper["hash"],
    }


def render_bibtex(year: int, paper: dict[str, Any]) -> str:
    authors = " and ".join(citation_name(author) for author in paper["authors"])
    url = UPSTREAM + file_path(year, paper["hash"], "Paper.pdf")
    return (
        f"@inproceedings{{NEURIPS{year}_{paper['hash'][:8]},\n"
        f" author = {{{authors}}},\n"
        f" booktitle = {{{BOOK}}},\n"
        f" editor = {{{' and '.join(EDITORS[year])}}},\n"
        f" publisher = {{Curran Associates, Inc.}},\n"
        f" title = {{{paper['title']}}},\n"
        f" url = {{{url}}},\n"
        f" volume = {{{VOLUMES[year]}}},\n"
        f" year = {{{year}}}\n}}\n"
    )


@cache
def proceedings_pages(year: int) -> dict[str, Page]:
    """Every proceedings path of ``year``: the index, and per paper the page, metadata and bibtex."""
    papers = proceedings_metadata(year)
    index = Page(render_year_index(year, papers).encode("utf-8"), HTML)
    pages: dict[str, Page] = {year_index_path(year): index, year_index_path(year) + "/": index}
    for paper in papers:
        paper_hash = paper["hash"]
        pages[abstract_path(year, paper_hash)] = Page(render_abstract_page(year, paper).encode("utf-8"), HTML)
        pages[file_path(year, paper_hash, "Metadata.json")] = json_page(metadata_document(year, paper))
        pages[file_path(year, paper_hash, "Bibtex.bib")] = Page(render_bibtex(year, paper).encode("utf-8"), BIBTEX)
    return pages
