"""A homepage's HTML → the degrees its owner states: stage, school as written, years, confidence, evidence.

Precision comes first (a wrong undergraduate country is worse than none), so a degree is kept only when a
school is bound to it inside one sentence or one CV line, with nothing between them that makes the school
a visit, an internship, a job or a postdoc; sentences about the owner's students, news items and sections
such as "Students" or "News" are never read; template placeholders are dropped. The pure function is
:func:`extract_statements`; the resolver it uses to turn names into ids and countries is passed in.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import cache

from etl.education.html_blocks import Block, page_blocks
from etl.education.institutions import Institution, InstitutionResolver, Span, find_spans
from etl.education.vocabulary import (
    BEFORE_PHD,
    DEGREE_RES,
    DEMO_PERSONA,
    EDUCATION,
    NAMED_SUBJECT,
    NEWS_PREFIX,
    OTHERS,
    PHD,
    PLACEHOLDER,
    SKIP,
    STAGES,
    STUDIED_AT,
    TRAP,
    UNDERGRAD,
)

EVIDENCE_CHARS = 200
MAX_FORWARD_CHARS = 170  # "I obtained my Bachelor's degree in … with honours from National Taiwan University"
MAX_BACKWARD_CHARS = 30  # "Tsinghua University (B.Eng., 2016)" / "在清华大学获得学士学位"
MIN_YEAR, MAX_YEAR = 1950, 2040
_CONNECTOR = re.compile(r"^[\s,/&+|]*(?:and|et|und|&|和|及|、|,|/)?[\s,/&|]*(?:degrees?\s*)?$", re.IGNORECASE)
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Ph\.?\s?D|B\.\s?S|M\.\s?S|B\.\s?Sc|M\.\s?Sc|B\.\s?A|M\.\s?A|B\.\s?Eng|M\.\s?Eng|B\.\s?E|M\.\s?E|B\.\s?Tech"
    r"|M\.\s?Tech|D\.\s?Phil|M\.\s?Phil|S\.\s?B|S\.\s?M|A\.\s?B|Dr|Prof|Mr|Mrs|Ms|St|Univ|Inst|Dept|U\.S|U\.K|e\.g|i\.e"
    r"|vs|Jr|Sr|No|Dipl\.-\w+|rer\.\s?nat)\.|\b[A-Z]\.)$")
_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u00DE\u4e00-\u9fff\"“(])|[;；。！？]\s*|，(?=\s*(?:19|20)\d{2})")
_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:\s*[./年-]\s*\d{1,2}\s*月?)?\s*(?:-|–|—|~|～|－|to|until|through|au|à|至|到)\s*"
    r"(?:(?:[A-Za-zéû]{3,9}\.?\s+|\d{1,2}\s*[./]\s*)?((?:19|20)\d{2})(?!\d)"
    r"|(present|now|today|current|ongoing|date|aujourd'hui|今|至今|现在))", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SINCE = re.compile(r"(?:since|from|starting|depuis|自|从)\s*(?:[A-Za-z]{3,9}\.?\s+)?$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|my|I'm|I've|me)\b|\bj'ai\b|\bje\b|\bmon\b|\bma\b|我", re.IGNORECASE)
_NOT_NAME_WORDS = frozenset({"home", "homepage", "page", "personal", "website", "site", "about", "me", "cv", "dr",
                             "prof", "professor", "phd", "the", "of", "and", "s", "academic", "welcome", "to",
                             "research", "blog", "profile", "résumé", "resume"})


@dataclass(frozen=True, slots=True)
class Statement:
    """One degree the page's owner states. ``institution_id``/``country_code`` are None when unresolved."""

    stage: str
    institution_name: str
    institution_id: str | None
    country_code: str | None
    start_year: int | None
    end_year: int | None
    confidence: float
    evidence: str


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    stage: str
    inferred: bool = False  # "before my PhD … a student at X": the stage is read, not written


# -- sentences and mentions -----------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    """Split a block into sentences without cutting after 'B.S.' or 'Ph.D.'."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if not match.group().strip() and _ABBREVIATION_END.search(text[start:match.start()]):
            continue  # "B.S. Tsinghua University", "Dr. Example": an abbreviation, not a full stop
        piece = text[start:match.start()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def degree_mentions(sentence: str) -> list[_Mention]:
    found: list[_Mention] = []
    for stage, pattern in DEGREE_RES:
        for match in pattern.finditer(sentence):
            if match.end() > match.start():
                found.append(_Mention(match.start(), match.end(), stage))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _apply_before_phd(sentence: str, mentions: list[_Mention]) -> list[_Mention]:
    """'Prior to my PhD, I was an undergraduate at X': the PhD is a time reference, not a statement; with
    no other degree word, 'a student at X' after it is the undergraduate-level school."""
    marker = BEFORE_PHD.search(sentence)
    if not marker:
        return mentions
    rest = [m for m in mentions if not (marker.start() <= m.start < marker.end())]
    if any(m.start >= marker.end() for m in rest):
        return rest
    studied = STUDIED_AT.search(sentence, marker.end())
    if studied:
        rest.append(_Mention(studied.start(), studied.end(), UNDERGRAD, inferred=True))
    return sorted(rest, key=lambda m: m.start)


# -- pairing -----------------------------------------------------------------------------------------
def _pair(sentence: str, mentions: list[_Mention], spans: list[tuple[Span, Institution]], line: bool
          ) -> list[tuple[_Mention, Span, Institution]]:
    pairs: list[tuple[_Mention, Span, Institution]] = []
    forward_of: dict[int, bool] = {}
    for index, mention in enumerate(mentions):
        # the next mention not just "and"-joined to this one bounds the forward search ("B.S. and M.S. from X")
        limit, joined_end = len(sentence), mention.end
        for later in mentions[index + 1:]:
            if _CONNECTOR.match(sentence[joined_end:later.start]):
                joined_end = later.end
                continue
            limit = later.start
            break
        chosen = None
        if _is_cjk(sentence[mention.start]):  # "在清华大学获得学士学位": Chinese names the school first
            chosen = _backward(sentence, mentions, index, spans, line, forward_of)
            if chosen:
                forward_of[index] = False
                pairs.append((mentions[index], *chosen))
                continue
        chosen = _forward(sentence, mention, spans, limit, line)
        if chosen:
            forward_of[index] = True
            pairs.append((mentions[index], *chosen))
            continue
        forward_of[index] = False
        back = _backward(sentence, mentions, index, spans, line, forward_of)
        if back:
            pairs.append((mentions[index], *back))
    return pairs


def _forward(sentence: str, mention: _Mention, spans: list[tuple[Span, Institution]], limit: int, line: bool
             ) -> tuple[Span, Institution] | None:
    group: list[tuple[Span, Institution]] = []
    previous_end = mention.end
    for span, inst in spans:
        if span.start < mention.end:
            continue
        if span.start >= limit:
            break
        gap = sentence[previous_end:span.start]
        if not group:
            if TRAP.search(gap) or (not line and span.start - mention.end > MAX_FORWARD_CHARS):
                return None
        elif not re.fullmatch(r"\s*[,(|–—-]?\s*", gap):
            break
        group.append((span, inst))
        previous_end = span.end
    return _best_of(group)


def _backward(sentence: str, mentions: list[_Mention], index: int, spans: list[tuple[Span, Institution]],
              line: bool, forward_of: dict[int, bool]) -> tuple[Span, Institution] | None:
    mention = mentions[index]
    before = [(s, i) for s, i in spans if s.end <= mention.start]
    if not before:
        return None
    span, inst = before[-1]
    gap = sentence[span.end:mention.start]
    if TRAP.search(gap):
        return None
    if not line and len(gap) > MAX_BACKWARD_CHARS:
        return None
    for other_index, other in enumerate(mentions[:index]):
        if span.end <= other.start < mention.start and forward_of.get(other_index):
            return None  # an earlier degree between them already took a school after itself
    group = [(s, i) for s, i in before if re.fullmatch(r"\s*[,(|–—-]?\s*", sentence[s.end:span.start]) or s is span]
    return _best_of(group[-2:]) if group else (span, inst)


def _best_of(group: list[tuple[Span, Institution]]) -> tuple[Span, Institution] | None:
    """Of adjacent spans ("School of Computer Science, Carnegie Mellon University") the resolved one."""
    if not group:
        return None
    resolved = [g for g in group if g[1].institution_id]
    return resolved[0] if resolved else group[0]


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


# -- years and evidence ---------------------------------------------------------------------------------
def _assign_years(sentence: str, extents: list[tuple[int, int]]) -> dict[int, list[str]]:
    """Each year (or year range) of a sentence goes to the nearest statement, so "B.S. from X in 2016 and
    Ph.D. from Y in 2021" dates each degree with its own year, whichever side of the school it is written."""
    owned: dict[int, list[str]] = {}
    if not extents:
        return owned
    taken: list[tuple[int, int]] = []
    tokens: list[tuple[int, int]] = []
    for match in _RANGE.finditer(sentence):
        tokens.append(match.span())
        taken.append(match.span())
    for match in _YEAR.finditer(sentence):
        if not any(a <= match.start() < b for a, b in taken):
            lead = _SINCE.search(sentence[max(0, match.start() - 16):match.start()])
            tokens.append((match.start() - (len(lead.group()) if lead else 0), match.end()))
    for start, end in sorted(tokens):
        distance = [0 if lo <= start < hi or lo < end <= hi else min(abs(start - hi), abs(lo - end))
                    for lo, hi in extents]
        owner = min(range(len(extents)), key=lambda k: (distance[k], k))
        tail = sentence[end:end + 24]
        owned.setdefault(owner, []).append(sentence[start:end] + (" " + tail if "expect" in tail.lower() else ""))
    return owned


def years(window: str) -> tuple[int | None, int | None]:
    ranged = _RANGE.search(window)
    if ranged:
        start = int(ranged.group(1))
        end = int(ranged.group(2)) if ranged.group(2) else None
        if MIN_YEAR <= start <= MAX_YEAR and (end is None or start <= end <= MAX_YEAR):
            return start, end
    found = sorted({int(y) for y in _YEAR.findall(window) if MIN_YEAR <= int(y) <= MAX_YEAR})
    if len(found) == 1:
        match = _YEAR.search(window)
        assert match is not None
        if _SINCE.search(window[:match.start()]):
            return found[0], None
        return None, found[0]
    if len(found) == 2:
        return found[0], found[1]
    return None, None


def evidence(sentence: str, start: int, end: int) -> str:
    """The sentence, or a window of it around the statement, at most 200 characters."""
    if len(sentence) <= EVIDENCE_CHARS:
        return sentence
    centre = (start + end) // 2
    lo = max(0, min(start, centre - EVIDENCE_CHARS // 2))
    hi = min(len(sentence), lo + EVIDENCE_CHARS)
    lo = max(0, hi - EVIDENCE_CHARS)
    return sentence[lo:hi].strip()[:EVIDENCE_CHARS]


# -- owner ----------------------------------------------------------------------------------------
def owner_words(title: str) -> frozenset[str]:
    words = re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\-]+", title)
    return frozenset(w.lower() for w in words if w[0].isupper() and w.lower() not in _NOT_NAME_WORDS)


def about_someone_else(sentence: str, owner: frozenset[str]) -> bool:
    """A student's or colleague's degree: possessive 'my student', congratulations, or a named subject
    who is not the owner ('Alice Example received her B.S.' on Bob's page)."""
    if OTHERS.search(sentence):
        return True
    if owner:
        for match in NAMED_SUBJECT.finditer(sentence):
            words = {w.strip(".").lower() for w in match.group(1).split()}
            words -= {"dr", "prof", "professor", "mr", "ms", "mrs", "she", "he", "they", "i"}
            if words and not words & owner:
                return True
    return False


# -- the pure function ---------------------------------------------------------------------------------
def _sentence_statements(sentence: str, block: Block, resolver: InstitutionResolver) -> list[Statement]:
    mentions = _apply_before_phd(sentence, degree_mentions(sentence))
    if not mentions:
        return []
    spans = []
    for span in find_spans(sentence):
        inst = resolver.resolve(sentence, span)
        if inst is not None:
            spans.append((span, inst))
    if not spans:
        return []
    line = block.item or block.section == EDUCATION or len(sentence) <= 160 and not _FIRST_PERSON.search(sentence)
    out: list[Statement] = []
    pairs = _pair(sentence, mentions, spans, line)
    year_owner = _assign_years(sentence, [(min(m.start, sp.start), max(m.end, sp.end)) for m, sp, _i in pairs])
    for mention, span, inst in pairs:
        if PLACEHOLDER.search(sentence[min(mention.start, span.start):max(mention.end, span.end)]):
            continue
        # "MSc and BSc …, Chalmers, 2012 - 2017": degrees sharing one school share its dates
        shared = [k for k, (_m, other, _i) in enumerate(pairs) if other.start == span.start]
        start_year, end_year = years(" ".join(y for k in shared for y in year_owner.get(k, [])))
        confidence = 0.9 if block.section == EDUCATION or (line and (start_year or end_year)) else 0.85
        if mention.inferred:
            confidence = 0.7
        confidence *= inst.confidence if inst.institution_id else 0.5
        out.append(Statement(mention.stage, inst.name, inst.institution_id, inst.country_code, start_year,
                             end_year, round(confidence, 3),
                             evidence(sentence, min(mention.start, span.start), max(mention.end, span.end))))
    return out


def _select(statements: list[Statement]) -> list[Statement]:
    """One statement per (stage, school); per stage, resolved schools win over unresolved ones and a much
    weaker reading is dropped beside a strong one."""
    best: dict[tuple[str, str], Statement] = {}
    for st in statements:
        key = (st.stage, st.institution_id or st.institution_name.lower())
        known = best.get(key)
        if known is None:
            best[key] = st
            continue
        richer = (st.start_year or st.end_year) and not (known.start_year or known.end_year)
        if st.confidence > known.confidence or (st.confidence == known.confidence and richer):
            if not (st.start_year or st.end_year):
                st = replace(st, start_year=known.start_year, end_year=known.end_year)
            best[key] = st
        elif richer:
            best[key] = replace(known, start_year=st.start_year, end_year=st.end_year)
    out: list[Statement] = []
    for stage in STAGES:
        group = [s for s in best.values() if s.stage == stage]
        if any(s.institution_id for s in group):
            group = [s for s in group if s.institution_id]
        if not group:
            continue
        top = max(s.confidence for s in group)
        out.extend(s for s in group if s.confidence >= top - 0.2)
    return out


def extract_statements(html: str, resolver: InstitutionResolver) -> list[Statement]:
    """The owner's degrees stated on one page (empty when it states none)."""
    page = page_blocks(html)
    owner = owner_words(page.title)
    demo_persona = any(DEMO_PERSONA.search(b.text) for b in page.blocks)
    statements: list[Statement] = []
    for block in page.blocks:
        if block.section == SKIP or NEWS_PREFIX.match(block.text):
            continue
        if demo_persona and block.section == EDUCATION:
            continue
        if not any(p.search(block.text) for _s, p in DEGREE_RES) and not BEFORE_PHD.search(block.text):
            continue
        for sentence in sentences(block.text):
            if about_someone_else(sentence, owner) or (PLACEHOLDER.search(sentence) and block.section != EDUCATION):
                continue
            statements.extend(_sentence_statements(sentence, block, resolver))
    return _select(statements)


@cache
def _shared_resolver() -> InstitutionResolver:
    from etl.education.institutions import default_resolver

    return default_resolver()


def extract_page_statements(html: str) -> list[dict]:
    """Statements of one page as plain dicts, with the project's resolver: the ``homepages`` spider's
    ``HOMEPAGES_EXTRACTOR`` (loaded by name, so the Scrapy project itself imports nothing outside scrapers/)."""
    return [asdict(statement) for statement in extract_statements(html, _shared_resolver())]


__all__ = ["PHD", "STAGES", "Statement", "extract_page_statements", "extract_statements", "sentences", "years"]
