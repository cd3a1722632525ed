"""Inline SVG charts of the report: bars and lines with 95% error bars, small-n marks drawn hollow, a Sankey.

Why hand-written SVG: the report must open offline from an e-mail attachment years later (no script, no CDN).
Every chart here follows three rules the report's readers asked for: a share is drawn with its interval (a
whisker from low to high), a value resting on fewer persons than the minimum n is drawn hollow and grey with
the reason written beside it ("n = 3 < 30"), and no label is placed where it could overlap another label or
leave the drawing (labels are fitted at a word with an ellipsis, end labels of lines are spread apart, and
each SVG is sized to hold its longest text). ``tests/test_report_chromium.py`` measures the real boxes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from warehouse.report.text import axis_text, esc, fit_label, share_text, text_width

PALETTE = (
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#65a30d", "#7c3aed",
)
OTHER_COLOUR = "#9ca3af"
SMALL_N_FILL = "#f3f4f6"
SMALL_N_STROKE = "#9ca3af"
FONT_PX = 12.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a share (0–1) with its interval; ``small`` holds the reason when it rests on too few persons."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    small: str = ""
    full_label: str = ""
    value_text: str = ""


def colour_map(labels: list[str]) -> dict[str, str]:
    colours = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels) if label != "Other"}
    colours["Other"] = OTHER_COLOUR
    return colours


def svg_open(kind: str, width: float, height: float) -> str:
    return (f'<svg class="chart {kind}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" xmlns="http://www.w3.org/2000/svg">')


def _whisker(x_low: float, x_high: float, y: float, vertical: bool = False, colour: str = "#111827") -> str:
    """An error bar from low to high with end caps (horizontal at height y, or vertical at x = y)."""
    if vertical:
        x = y
        return (f'<g class="ci" stroke="{colour}" stroke-width="1.3"><line x1="{x:.1f}" x2="{x:.1f}" '
                f'y1="{x_low:.1f}" y2="{x_high:.1f}"/><line x1="{x - 3:.1f}" x2="{x + 3:.1f}" y1="{x_low:.1f}" '
                f'y2="{x_low:.1f}"/><line x1="{x - 3:.1f}" x2="{x + 3:.1f}" y1="{x_high:.1f}" y2="{x_high:.1f}"/>'
                "</g>")
    return (f'<g class="ci" stroke="{colour}" stroke-width="1.3"><line x1="{x_low:.1f}" x2="{x_high:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/><line x1="{x_low:.1f}" x2="{x_low:.1f}" y1="{y - 4:.1f}" y2="{y + 4:.1f}"/>'
            f'<line x1="{x_high:.1f}" x2="{x_high:.1f}" y1="{y - 4:.1f}" y2="{y + 4:.1f}"/></g>')


def hbar_chart(bars: list[Bar], colour: str, max_value: float | None = None, label_px: float = 200,
               plot_px: float = 300) -> str:
    """Horizontal bars with whiskers; the value, its interval and the note are written after the whisker."""
    bar_h, gap, pad = 18, 8, 6
    left = label_px + 10
    top = max_value or max((b.high or b.value or 0 for b in bars), default=1) or 1
    texts = []
    for bar in bars:
        text = bar.value_text or share_text(bar.value)
        texts.append((text, " ".join(t for t in (bar.note, bar.small) if t)))
    longest = max((text_width(f"{a} {b}", FONT_PX) for a, b in texts), default=0)
    width = left + plot_px + 8 + longest + pad
    height = len(bars) * (bar_h + gap) + pad
    parts = [svg_open("bars", width, height)]
    for i, (bar, (value_text, note)) in enumerate(zip(bars, texts, strict=True)):
        y = pad / 2 + i * (bar_h + gap)
        label = fit_label(bar.label, label_px, FONT_PX)
        tip = bar.full_label or bar.label
        title = f"<title>{esc(tip)}</title>" if label != bar.label or bar.full_label else ""
        parts.append(f'<text class="label" x="{label_px:.1f}" y="{y + 13:.1f}" text-anchor="end">{title}'
                     f"{esc(label)}</text>")
        length = plot_px * (bar.value or 0) / top
        if bar.small:
            parts.append(f'<rect class="bar small-n" x="{left}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" '
                         f'fill="{SMALL_N_FILL}" stroke="{SMALL_N_STROKE}" stroke-dasharray="3 2"/>')
        else:
            parts.append(f'<rect class="bar" x="{left}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" '
                         f'fill="{colour}"/>')
        end = left + length
        if bar.low is not None and bar.high is not None:
            x_low, x_high = left + plot_px * bar.low / top, left + plot_px * bar.high / top
            parts.append(_whisker(x_low, x_high, y + bar_h / 2, colour=SMALL_N_STROKE if bar.small else "#111827"))
            end = max(end, x_high)
        note_span = f' <tspan class="{"reason" if bar.small else "note"}">{esc(note)}</tspan>' if note else ""
        parts.append(f'<text class="value" x="{end + 5:.1f}" y="{y + 13:.1f}">{esc(value_text)}{note_span}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _scale_top(values: list[float]) -> float:
    return max(0.05, math.ceil(max(values, default=0.0) * 10) / 10)


def grouped_bar_chart(labels: list[str], series: dict[str, dict[str, tuple[float, float | None, float | None]]],
                      colours: dict[str, str], small: dict[str, str], width: int = 760) -> str:
    """Vertical bars per label (country), one per series (tier), each with its whisker; a series in ``small``
    (tier -> reason) is drawn hollow and grey."""
    left, bottom, top_pad, height = 46, 26, 16, 280
    plot_h = height - bottom - top_pad
    group_w = (width - left - 10) / max(1, len(labels))
    bar_w = max(3.0, (group_w - 8) / max(1, len(series)))
    top = _scale_top([v for s in series.values() for (val, lo, hi) in s.values() for v in (val, hi or 0)])
    parts = [svg_open("grouped", width, height)]
    for tick in range(0, 6):
        value = top * tick / 5
        y = top_pad + plot_h - plot_h * tick / 5
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">{axis_text(value)}</text>')
    for gi, label in enumerate(labels):
        x0 = left + gi * group_w + 4
        for si, (name, values) in enumerate(series.items()):
            value, low, high = values.get(label, (0.0, None, None))
            h = plot_h * (value or 0) / top
            x = x0 + si * bar_w
            fill = (f'fill="{SMALL_N_FILL}" stroke="{SMALL_N_STROKE}" stroke-dasharray="3 2"' if name in small
                    else f'fill="{colours[name]}"')
            reason = f" — {small[name]}" if name in small else ""
            parts.append(f'<rect class="bar{" small-n" if name in small else ""}" x="{x:.1f}" '
                         f'y="{top_pad + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" {fill}>'
                         f"<title>{esc(name)} {esc(label)}: {share_text(value)}{esc(reason)}</title></rect>")
            if low is not None and high is not None and value:
                y_low, y_high = top_pad + plot_h - plot_h * low / top, top_pad + plot_h - plot_h * high / top
                parts.append(_whisker(y_low, y_high, x + (bar_w - 1) / 2, vertical=True,
                                      colour=SMALL_N_STROKE if name in small else "#111827"))
        parts.append(f'<text class="label" x="{x0 + group_w / 2 - 4:.1f}" y="{height - 8}" text-anchor="middle">'
                     f"{esc(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def spread(positions: list[float], min_gap: float, low: float, high: float) -> list[float]:
    """Move sorted label positions apart so neighbours are at least ``min_gap`` apart, within [low, high]."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed[-1] -= overflow
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - min_gap)
    placed = [max(low, p) for p in placed]
    out = [0.0] * len(positions)
    for slot, index in enumerate(order):
        out[index] = placed[slot]
    return out


def line_chart(series: dict[str, dict[int, tuple[float, float | None, float | None]]], colours: dict[str, str],
               first_year: int, last_year: int, width: int = 760) -> str:
    """Shares over a true time axis (one tick per calendar year, a missing year left as a gap), a whisker at each
    point and one end label per line, spread so no two overlap."""
    label_w = max((text_width(f"{name} {share_text(v[max(v)][0])}", FONT_PX) for name, v in series.items() if v),
                  default=40)
    left, top_pad, bottom, height = 48, 14, 30, 280
    right = 26 + label_w
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _scale_top([v for s in series.values() for (val, lo, hi) in s.values() for v in (val, hi or 0)])
    span = max(1, last_year - first_year)

    def x_of(year: int) -> float:
        return left + plot_w * (year - first_year) / span if last_year > first_year else left + plot_w / 2

    def y_of(value: float) -> float:
        return top_pad + plot_h - plot_h * value / top

    parts = [svg_open("lines", width, height)]
    for tick in range(0, 6):
        y = y_of(top * tick / 5)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
                     f"{axis_text(top * tick / 5)}</text>")
    observed = {year for values in series.values() for year in values}
    for year in range(first_year, last_year + 1):
        cls = "axis" if year in observed else "axis missing"
        parts.append(f'<line class="grid" x1="{x_of(year):.1f}" x2="{x_of(year):.1f}" y1="{top_pad}" '
                     f'y2="{top_pad + plot_h}"/>')
        label = str(year) if year in observed else f"{year} (no data)"
        parts.append(f'<text class="{cls}" x="{x_of(year):.1f}" y="{height - 8}" text-anchor="middle">{label}</text>')
    ends: list[tuple[str, float, float, str]] = []
    for name, values in series.items():
        years = sorted(values)
        points = [(x_of(y), y_of(values[y][0])) for y in years]
        steps = list(zip(years, points, strict=True))
        for (a, pa), (b, pb) in zip(steps, steps[1:], strict=False):
            dash = ' stroke-dasharray="5 4"' if b - a > 1 else ""  # a year without data: no solid line across it
            parts.append(f'<line class="line" x1="{pa[0]:.1f}" y1="{pa[1]:.1f}" x2="{pb[0]:.1f}" y2="{pb[1]:.1f}" '
                         f'stroke="{colours[name]}" stroke-width="2.5"{dash}/>')
        for year, (x, y) in zip(years, points, strict=True):
            value, low, high = values[year]
            if low is not None and high is not None:
                parts.append(_whisker(y_of(low), y_of(high), x, vertical=True, colour=colours[name]))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colours[name]}"><title>{esc(name)} '
                         f"{year}: {share_text(value)}</title></circle>")
        if points:
            ends.append((name, points[-1][0], points[-1][1], share_text(values[years[-1]][0])))
    label_ys = spread([y + 4 for _, _, y, _ in ends], 14.0, top_pad + 10, top_pad + plot_h + 4)
    label_x = left + plot_w + 14
    for (name, x, y, value), ly in zip(ends, label_ys, strict=True):
        parts.append(f'<line class="leader" x1="{x + 5:.1f}" y1="{y:.1f}" x2="{label_x - 2:.1f}" y2="{ly - 4:.1f}" '
                     f'stroke="{colours[name]}" stroke-width="1"/>')
        parts.append(f'<text class="end-label" x="{label_x:.1f}" y="{ly:.1f}" fill="{colours[name]}">'
                     f"{esc(name)} {value}</text>")
    parts.append("</svg>")
    return "".join(parts)


def anchor_chart(rows: list[tuple[str, float | None, float | None, float | None, float, str]],
                 label_px: float = 170, plot_px: float = 320) -> str:
    """Our estimate (dot and whisker) beside each published figure (a hollow diamond), on one 0–top axis.

    ``rows``: (label, estimate, low, high, published, small reason); a small row is drawn grey with its reason.
    """
    row_h, pad, axis_h = 24, 6, 20
    values = [v for _, est, lo, hi, pub, _ in rows for v in (est or 0, hi or 0, pub)]
    top = _scale_top(values)
    left = label_px + 10
    notes = [f"ours {share_text(est)} · published {share_text(pub)}" + (f" {small}" if small else "")
             for _, est, _, _, pub, small in rows]
    width = left + plot_px + 12 + max((text_width(n, FONT_PX) for n in notes), default=0) + pad
    height = len(rows) * row_h + axis_h + pad
    parts = [svg_open("anchors", width, height)]
    for tick in range(0, 6):
        x = left + plot_px * tick / 5
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{pad}" y2="{height - axis_h:.1f}"/>')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 6:.1f}" text-anchor="middle">'
                     f"{axis_text(top * tick / 5)}</text>")
    for i, ((label, est, low, high, published, small), note) in enumerate(zip(rows, notes, strict=True)):
        y = pad + i * row_h + row_h / 2
        colour = SMALL_N_STROKE if small else "#1e3a8a"
        fitted = fit_label(label, label_px, FONT_PX)
        title = f"<title>{esc(label)}</title>" if fitted != label else ""
        parts.append(f'<text class="label" x="{label_px:.1f}" y="{y + 4:.1f}" text-anchor="end">{title}'
                     f"{esc(fitted)}</text>")
        if low is not None and high is not None:
            parts.append(_whisker(left + plot_px * low / top, left + plot_px * high / top, y, colour=colour))
        if est is not None:
            parts.append(f'<circle class="estimate{" small-n" if small else ""}" cx="{left + plot_px * est / top:.1f}" '
                         f'cy="{y:.1f}" r="4" fill="{SMALL_N_FILL if small else colour}" stroke="{colour}"/>')
        px = left + plot_px * published / top
        parts.append(f'<path class="published" d="M{px:.1f},{y - 6:.1f} L{px + 6:.1f},{y:.1f} L{px:.1f},{y + 6:.1f} '
                     f'L{px - 6:.1f},{y:.1f} Z" fill="none" stroke="#dc2626" stroke-width="1.6"/>')
        ends = [left + plot_px * v / top for v in (est, high, published) if v is not None]
        cls = "reason" if small else "note"
        parts.append(f'<text class="value" x="{max(ends) + 10:.1f}" y="{y + 4:.1f}"><tspan class="{cls}">'
                     f"{esc(note)}</tspan></text>")
    parts.append("</svg>")
    return "".join(parts)
