"""``talent report``: the study's answers as one self-contained HTML file, and the analysts' query guide.

Layout: ``data`` (which conference-years are complete, the minimum n), ``text`` (the one rounding rule,
interval text, labels fitted at a word), ``svg`` / ``sankey`` (inline charts with error bars and hollow small-n
marks), ``figures`` (the study's figures), ``coverage_bias`` (who has a value known), ``comparisons``
(MacroPolo anchors, reviewed samples), ``render`` (the page) and ``guide`` (``docs/analysts.md``).

Every figure is the **main track** (``track = 'main'``) of the latest complete conference-year, with the
all-tracks n beside it in the headline.
"""

from warehouse.report.figures import TIER_COLOURS
from warehouse.report.guide import QUESTIONS, Question, render_markdown, write_markdown
from warehouse.report.render import build_sections, render_report, write_report
from warehouse.report.svg import PALETTE

__all__ = ["PALETTE", "QUESTIONS", "TIER_COLOURS", "Question", "build_sections", "render_markdown",
           "render_report", "write_markdown", "write_report"]
