"""The report in headless Chromium: a screenshot of the new figures, and measured label boxes.

Why measured: label widths in the report are estimated when the SVG is written (no browser at build time); the
only proof that no label overlaps another or leaves its drawing is the real layout. A test copy of the report
gets a small script that measures every SVG ``<text>`` box (getBoundingClientRect) and writes the problems into
the page; ``--dump-dom`` returns the page after the script ran. The report itself stays script-free.
Chromium is required in CI (see tests/test_report.py: ``chromium_binary``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .test_report import chromium, colour_pixels, decode_png, report_html, report_warehouse  # noqa: F401 - fixtures

LAYOUT_CHECK = """
<script>
window.addEventListener('load', () => {
  const problems = [];
  let labels = 0;
  document.querySelectorAll('svg.chart').forEach((svg, si) => {
    const frame = svg.getBoundingClientRect();
    const boxes = [];
    svg.querySelectorAll('text').forEach((t) => {
      const b = t.getBoundingClientRect();
      if (b.width === 0 || !t.textContent.trim()) return;
      labels += 1;
      const name = `${svg.closest('section').id}#${si}: "${t.textContent.trim()}"`;
      if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5
          || b.bottom > frame.bottom + 0.5) {
        problems.push(`clipped ${name}`);
      }
      boxes.push([name, b]);
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i][1], b = boxes[j][1];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) problems.push(`overlap ${boxes[i][0]} / ${boxes[j][0]}`);
      }
    }
  });
  const out = document.createElement('pre');
  out.id = 'layout-check';
  out.textContent = JSON.stringify({labels, problems});
  document.body.appendChild(out);
});
</script>
"""


def layout_check(report: Path, tmp_path: Path, width: int = 1200) -> dict:
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", LAYOUT_CHECK + "</body>"),
                     encoding="utf-8")
    result = chromium([f"--window-size={width},2000", "--virtual-time-budget=5000", "--dump-dom",
                       probe.resolve().as_uri()], tmp_path / "profile")
    found = re.search(r'<pre id="layout-check">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">"))


def test_no_label_overlaps_another_or_leaves_its_chart(report_html, tmp_path):  # noqa: F811 - the fixture imported above
    check = layout_check(report_html, tmp_path)
    assert check["labels"] > 150  # axis ticks, bar labels, values, end labels, Sankey nodes were all measured
    assert check["problems"] == [], "\n".join(check["problems"][:20])


def test_no_overlap_in_a_narrow_window_either(report_html, tmp_path):  # noqa: F811 - the fixture imported above
    """SVGs scale down to the page width; labels scale with them and must still keep apart."""
    check = layout_check(report_html, tmp_path, width=700)
    assert check["problems"] == [], "\n".join(check["problems"][:20])


def test_screenshot_shows_anchors_intervals_and_greyed_small_figures(report_html, tmp_path):  # noqa: F811 - the fixture imported above
    text = report_html.read_text(encoding="utf-8")
    assert 'id="macropolo"' in text and 'class="published"' in text
    assert text.count('class="ci"') > 50  # whiskers
    assert "small-n" in text and re.search(r"n = \d+ &lt; 30|n = \d+ < 30", text)
    shot = tmp_path / "report.png"
    result = chromium([f"--screenshot={shot}", "--window-size=1200,4000", "--hide-scrollbars",
                       report_html.resolve().as_uri()], tmp_path / "profile")
    assert shot.exists(), result.stderr[-2000:]
    pixels = decode_png(shot.read_bytes())
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    assert colour_pixels(pixels, "#1e3a8a") > 200  # our estimates (anchors) and the tier "all" bars
    assert colour_pixels(pixels, "#dc2626") > 100  # published diamonds and oral bars
