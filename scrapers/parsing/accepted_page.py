"""Parse the neurips.cc "Accepted Papers" page: ``<p><b>title</b><br><i>Name (Inst) &middot; …</i></p>``.

Names may contain parentheses themselves ("Jingwan (Cynthia) Lu (Adobe Research)"), so the institution
is the last top-level parenthesised group of each author chunk.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from scrapers.items import AuthorRecord
from scrapers.parsing.common import clean_text, institution_and_domain


def split_name_institution(chunk: str) -> tuple[str, str | None]:
    """``"Jingwan (Cynthia) Lu (Adobe Research)"`` → ``("Jingwan (Cynthia) Lu", "Adobe Research")``."""
    text = chunk.strip()
    if not text.endswith(")"):
        return clean_text(text) or "", None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                name = clean_text(text[:index]) or ""
                institution = clean_text(text[index + 1 : -1])
                return name, institution
    return clean_text(text) or "", None


def parse_accepted_papers_page(html: str) -> list[tuple[str, list[AuthorRecord]]]:
    """(title, authors) for every paper paragraph on the page, in page order."""
    soup = BeautifulSoup(html, "html.parser")
    papers = []
    for paragraph in soup.find_all("p"):
        bold, italic = paragraph.find("b"), paragraph.find("i")
        if bold is None or italic is None:
            continue
        title = clean_text(bold.get_text())
        if not title:
            continue
        chunks = [chunk for chunk in italic.get_text().split("\u00b7") if chunk.strip()]
        authors = []
        for position, chunk in enumerate(chunks, start=1):
            name, institution = split_name_institution(chunk)
            institution, domain = institution_and_domain(institution)
            authors.append(AuthorRecord(position=position, name=name, institution=institution, email_domain=domain))
        papers.append((title, authors))
    return papers
