"""How the report writes numbers and labels: one rounding rule, interval text, labels that fit their box.

Why one module: the newcomer's review found "US 54.0%" (a whole-number rounding printed with a decimal) beside
"54.4%" for the same share, and institution names cut mid-word ("sachusetts Institute of Tec"). Every share in
the report goes through :func:`share_text` (one decimal, always) and every label that must fit a width through
:func:`fit_label` (cut at a word, with an ellipsis; the full text goes in a ``<title>`` tooltip).
"""

from __future__ import annotations

import html
import re

from etl.countries import country_code

SHARE_DECIMALS = 1  # the one rounding rule for shares: 54.4%, never 54% beside 54.4% nor 54.0%
# Average advance of a character of the chart font (system sans at 12px) as a fraction of the font size. Wide
# on purpose (a run of capitals or "m"s is wider than average): a label estimated to fit does fit; the
# Chromium test measures the real boxes.
CHAR_WIDTH = 0.62
ELLIPSIS = "…"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def share_text(value: float | None) -> str:
    """A share as a percentage with the report's one rounding rule; '–' when unknown."""
    return "–" if value is None else f"{100 * value:.{SHARE_DECIMALS}f}%"


def axis_text(value: float) -> str:
    """An axis tick (not a measured share): whole percent, or one decimal when the tick is not whole."""
    percent = 100 * value
    return f"{percent:.0f}%" if abs(percent - round(percent)) < 1e-9 else f"{percent:.1f}%"


def interval_text(low: float | None, high: float | None) -> str:
    """'95% CI 53.0–55.9%' in the same rounding as the share; empty when there is no interval."""
    if low is None or high is None:
        return ""
    return f"95% CI {100 * low:.{SHARE_DECIMALS}f}–{100 * high:.{SHARE_DECIMALS}f}%"


def share_with_interval(value: float | None, low: float | None, high: float | None) -> str:
    interval = interval_text(low, high)
    return f"{share_text(value)} ({interval})" if interval else share_text(value)


def small_n_reason(n: int | None, minimum: int) -> str:
    """The reason written beside a greyed figure: 'n = 3 < 30'."""
    return f"n = {n or 0} < {minimum}"


def text_width(text: str, font_px: float = 12.0) -> float:
    """Estimated rendered width of ``text`` in pixels (see CHAR_WIDTH)."""
    return len(text) * font_px * CHAR_WIDTH


def fit_label(text: str, max_px: float, font_px: float = 12.0) -> str:
    """``text`` if it fits ``max_px``; else cut at the last whole word that fits, with an ellipsis.

    A single first word longer than the box is cut at a character (with the ellipsis) as a last resort.
    """
    if text_width(text, font_px) <= max_px:
        return text
    max_chars = max(1, int(max_px / (font_px * CHAR_WIDTH)) - 1)  # room for the ellipsis
    words = text.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > max_chars:
            break
        kept = candidate
    if not kept:
        kept = text[:max_chars]
    return kept.rstrip(" ,;:-–(") + ELLIPSIS


_TRAILING_PARENTHESIS = re.compile(r"\s*\(([^()]+)\)\s*$")


def institution_label(name: str | None, institution_id: str | None, country: str | None,
                      max_px: float = 1e9, font_px: float = 12.0) -> tuple[str, str]:
    """('Google (US)', full label): the registry name without a trailing country in brackets, then the ISO
    code once; the name (never the code) is cut at a word to fit ``max_px``.

    Registry names of multinational sites carry their country ("Google (United States)"); printing the code
    after it gave "(United States) (US)". A bracket that names a different country, or no country (a city,
    an acronym), is kept: it tells two sites apart.
    """
    label = (name or institution_id or "?").strip()
    match = _TRAILING_PARENTHESIS.search(label)
    if match and country and country_code(match.group(1).strip()) == country:
        label = label[: match.start()].rstrip()
    suffix = f" ({country or '?'})"
    fitted = fit_label(label, max_px - text_width(suffix, font_px), font_px)
    return fitted + suffix, label + suffix
