"""The words homepages use for degrees, sections and the traps around them, in English, French and Chinese.

Kept apart from the extraction logic so a new phrasing is one line here, and so the tests can name the
vocabulary they exercise. Everything is compiled once at import.
"""

from __future__ import annotations

import re

UNDERGRAD, MASTERS, PHD = "undergrad", "masters", "phd"
STAGES = (UNDERGRAD, MASTERS, PHD)

# Section kinds a heading (or an element id/class) puts the blocks below it in.
EDUCATION, SKIP, NEUTRAL = "education", "skip", "neutral"

_EDU_HEADINGS = (
    r"education", r"educational background", r"academic background", r"academic training", r"degrees?",
    r"formation", r"formations", r"[ée]tudes", r"cursus", r"parcours acad[ée]mique", r"dipl[ôo]mes",
    r"教育经历", r"教育背景", r"学习经历", r"学历", r"教育",
)
# Sections whose degree mentions are about someone else, or are not degrees of the owner at all.
_SKIP_HEADINGS = (
    r"(?:current |former |past |phd |graduate |undergraduate |master'?s? )*(?:students?|advisees?|mentees?)",
    r"student supervision", r"supervision", r"mentoring", r"advising", r"supervised students",
    r"group", r"(?:lab |group )?members", r"team", r"people", r"alumni", r"collaborators",
    r"news", r"recent news", r"latest news", r"updates?", r"announcements?", r"what'?s new", r"blog",
    r"teaching", r"courses", r"service", r"talks", r"invited talks", r"presentations",
    r"awards?(?: and honou?rs)?", r"honou?rs(?: and awards)?", r"grants?", r"fellowships?",
    r"publications?", r"selected publications", r"papers", r"preprints",
    r"(?:work |research |professional |industry )?experiences?", r"employment", r"positions?",
    r"internships?", r"appointments", r"visits", r"visiting positions",
    r"actualit[ée]s", r"nouvelles", r"[ée]tudiants", r"encadrement", r"doctorants", r"exp[ée]riences?",
    r"enseignement", r"postes",
    r"学生", r"指导学生", r"在读学生", r"毕业学生", r"新闻", r"动态", r"最新动态", r"工作经历", r"实习经历",
    r"获奖", r"荣誉", r"奖励", r"论文", r"发表论文", r"教学", r"学术服务",
)
_OWNER_HEADINGS = (r"about(?: me)?", r"bio(?:graphy)?", r"short bio", r"principal investigator", r"pi",
                   r"director", r"biographie", r"[àa] propos", r"个人简介", r"简介", r"关于我")
_OWNER_RE = re.compile(r"^\W*(?:" + "|".join(_OWNER_HEADINGS) + r")\W*$", re.IGNORECASE)
_EDU_RE = re.compile(r"^\W*(?:" + "|".join(_EDU_HEADINGS) + r")\W*$", re.IGNORECASE)
_SKIP_RE = re.compile(r"^\W*(?:" + "|".join(_SKIP_HEADINGS) + r")\W*$", re.IGNORECASE)
# id / class words of template sections (Hugo Academic "ul-edu", al-folio "news", academicpages "talks")
ATTRIBUTE_HINTS = {
    "education": EDUCATION, "ul-edu": EDUCATION, "edu": EDUCATION,
    "news": SKIP, "students": SKIP, "people": SKIP, "team": SKIP, "publications": SKIP, "talks": SKIP,
    "teaching": SKIP, "experience": SKIP, "awards": SKIP, "members": SKIP, "alumni": SKIP,
}


def classify_heading(text: str) -> str | None:
    """The section kind a heading announces, or None when it announces nothing we act on."""
    text = text.strip().rstrip(":：").strip()
    if not text or len(text) > 60:
        return None
    if _EDU_RE.match(text):
        return EDUCATION
    if _OWNER_RE.match(text):
        return NEUTRAL
    if _SKIP_RE.match(text):
        return SKIP
    return None


# -- degree words ---------------------------------------------------------------------------------------
# Case-sensitive abbreviations (a stray "ms" or "ba" in prose is not a degree), case-insensitive words.
_END = r"(?![A-Za-z])"
_DEGREE_PATTERNS: tuple[tuple[str, str, int], ...] = (
    # PhD first: "Ph.D." must not be read as anything shorter
    (PHD, r"\bPh\.?\s?D\b\.?|\bPHD\b|\bD\.?\s?Phil\b\.?|\bDr\.\s?(?:rer\.\s?nat|phil|-?Ing|sc\.\s?nat|techn)\b\.?", 0),
    (PHD, r"\b(?:doctorate|doctoral (?:degree|student|candidate|studies|research|program(?:me)?|thesis|training)"
          r"|doctor of philosophy|doctorat|th[èe]se de doctorat|doctorant(?:e)?)" + _END, re.IGNORECASE),
    (PHD, r"博士(?!后|後)", 0),
    (MASTERS, r"\b(?:M\.\s?S(?:c)?\.|MSc|M\.\s?Sc\b\.?|M\.\s?A\.|M\.\s?Eng\b\.?|MEng|M\.\s?E\.|M\.\s?Tech\b\.?|MTech"
              r"|M\.\s?Phil\b\.?|MPhil|MRes|MASt|S\.M\.|M\.\s?Math\b\.?|MMath|Dipl\.\s?-?\s?(?:Inf|Ing|Math|Phys)\b\.?"
              r"|Diplom(?:-[A-Z][a-z]+)?)" + _END, 0),
    (MASTERS, r"\bMS(?=\s+(?:in|degree|student|of|from|at|\()|\s*[,(/|–-]|$)", 0),
    (MASTERS, r"\bMA(?=\s+(?:in|degree|from)\b|\s*[,(])", 0),
    (MASTERS, r"\bM(?:aster|ASTER)(?:'s|’s|s|S)?(?:\s+(?:2|II|degree|student|of [A-Z][a-z]+|program(?:me)?|studies))?"
              + _END, 0),
    (MASTERS, r"\b(?:master'?s|master’s) (?:degree|student|studies|program(?:me)?)\b|\bM2\b|\bDEA\b"
              r"|\blaurea (?:magistrale|specialistica)\b|\bdipl[ôo]me de master\b", re.IGNORECASE),
    (MASTERS, r"硕士|碩士", 0),
    (UNDERGRAD, r"\b(?:B\.\s?S(?:c)?\.|BSc|B\.\s?Sc\b\.?|B\.\s?A\.|B\.\s?A\.\s?Sc\.|BASc|B\.\s?Eng\b\.?|BEng|B\.\s?E\."
                r"|B\.\s?Tech\b\.?|BTech|B\.\s?Math\b\.?|BMath|S\.B\.|A\.B\.|B\.\s?Comp\b\.?)" + _END, 0),
    (UNDERGRAD, r"\bBS(?=\s+(?:in|degree|student|of|from|at|\()|\s*[,(/|–-]|$)", 0),
    (UNDERGRAD, r"\bBA(?=\s+(?:in|degree|from)\b|\s*[,(]|\s+\(Hons)", 0),
    (UNDERGRAD, r"\b(?:bachelor(?:'s|’s|s)?|undergrad(?:uate)?s?|licence (?:en|de|d'|L3)|licence 3|laurea triennale"
                r"|dipl[ôo]me d'ing[ée]nieur|engineer(?:'s|ing) (?:degree|diploma))" + _END, re.IGNORECASE),
    (UNDERGRAD, r"\bLicence\b|\bL3\b", 0),
    (UNDERGRAD, r"学士|本科|學士", 0),
)
DEGREE_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (stage, re.compile(pattern, flags)) for stage, pattern, flags in _DEGREE_PATTERNS)

# "Before my Ph.D., I was a student at …": the PhD is a reference point, the study it names came before it.
BEFORE_PHD = re.compile(
    r"\b(?:before|prior to|previous to|ahead of|avant)\s+(?:(?:my|his|her|their|the|starting|beginning|mon|ma)\s+)*"
    r"(?:ph\.?\s?d\b\.?|doctorate|doctoral studies|graduate (?:school|studies)|grad school|th[èe]se|doctorat)",
    re.IGNORECASE)
# After such a marker, "student at X" / "studied at X" names the earlier (undergraduate-level) school.
STUDIED_AT = re.compile(r"\b(?:student|studied|studying|[ée]tudiant(?:e)?|[ée]l[èe]ve)\b", re.IGNORECASE)
# "After my PhD at X" still names the PhD school; "after my PhD, I joined Y" names a job.
AFTER_DEGREE = re.compile(r"\b(?:after|following|upon|since)\s+(?:(?:my|his|her|their|the)\s+)?", re.IGNORECASE)

# Words between a degree and an institution (or right before an institution) that make it not the degree's
# school: visits, internships, jobs, postdocs.
TRAP = re.compile(
    r"\b(?:visit(?:ing|ed|or)?|intern(?:ship|ed|s)?|exchange|summer|post-?docs?|post-?doctoral|fellow(?:ship)?"
    r"|research (?:assistant|scientist|engineer|intern)|scientist|engineer(?:s)?\s+at|work(?:ed|ing|s)?"
    r"|join(?:ed|ing|s)?|faculty|professor|lecturer|employ(?:ed|ee)|staff|collaborat\w*|advis(?:ed|or)|host(?:ed)?"
    r"|stage|s[ée]jour|invit[ée]e?|postdoctorant\w*|teaching|taught)\b|访问|访学|实习|交换|博士后|博士後|工作|任职|任教|教授",
    re.IGNORECASE)
# A sentence about someone else's degree: the owner's students, mentees, congratulations.
OTHERS = re.compile(
    r"\b(?:my|our|his|her|their|mes|nos)\s+(?:(?:former|current|phd|ph\.d\.|graduate|undergraduate|master'?s?|ms|bs"
    r"|first|new|talented|amazing|excellent|brilliant|co-advised|anciens?|anciennes?)\s+)*"
    r"(?:students?|advisees?|mentees?|interns?|[ée]tudiant(?:e)?s?|doctorant(?:e)?s?)\b"
    r"|\bcongrat\w*|\bf[ée]licitations\b|\bco-?advis(?:ed|ing)\b"
    r"|\b(?:I|we) (?:(?:co-)?advise|supervise|mentor|(?:co-)?advised|supervised|mentored)\b"
    r"|\bwelcome\b|我的学生|指导的学生|祝贺|恭喜",
    re.IGNORECASE)
# Someone else's degree in a third-person sentence: "Alice Example received her B.S. …" (checked against owner)
NAMED_SUBJECT = re.compile(
    r"(?:^|[.;!]\s+)((?:[A-Z][a-zà-ÿ'\-]+\.?\s+){1,3})(?:received|obtained|earned|completed|got|holds?|is|was|did"
    r"|graduated|will)\b")
_DATE = (r"(?:\d{4}[./-]\d{1,2}(?:[./-]\d{1,2})?|\d{1,2}[./-]\d{4}"
         r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s*(?:\d{1,2},?\s*)?\d{4})")
# "[2023.05] …", "May 2023: …", "News: …" — a dated news item, not a CV line ("2014.09-2018.06 …")
NEWS_PREFIX = re.compile(
    rf"^\s*(?:[\[【]\s*{_DATE}\s*[\]】]|\(?{_DATE}\)?\s*[:：]|{_DATE}\s+[–—-]\s+(?!\d)|news\s*[:：]|new\s*[:：!])",
    re.IGNORECASE)

# Template text left in by site generators: the demo owner of academicpages, Hugo Academic, al-folio.
PLACEHOLDER = re.compile(
    r"\bgithub university\b|\bB\.S\. in GitHub\b|\bM\.S\. in Jekyll\b|version control theory|nelson bighetti"
    r"|\buniversity name\b|\byour university\b|\bexample university\b|\bsome university\b|\bXYZ university\b"
    r"|\bABC university\b|\blorem ipsum\b|\buniversity of example\b",
    re.IGNORECASE)
# A page still carrying the Hugo Academic / al-folio demo persona: its degrees are the template's, not the owner's.
DEMO_PERSONA = re.compile(r"nelson bighetti|albert einstein|lorem ipsum", re.IGNORECASE)
