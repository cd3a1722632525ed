"""Three-column Sankey (origin → graduate school → work) as inline SVG.

Why a module of its own: the flows figure is the one chart whose geometry (node stacks, link bands) has nothing
in common with the bar and line charts in ``svg.py``. Nodes are ordered by size then name, links by their end
positions, so the same flows always draw the same picture.
"""

from __future__ import annotations

from warehouse.report.svg import OTHER_COLOUR, svg_open
from warehouse.report.text import esc


def sankey_chart(flows: list[tuple[str, str, str, float]], colours: dict[str, str], width: int = 760,
                 height: int = 420) -> str:
    """Three-column Sankey (origin → graduate → work); links coloured by their origin-side node."""
    columns: list[dict[str, float]] = [{}, {}, {}]
    links: list[dict[tuple[str, str], float]] = [{}, {}]
    for origin, grad, work, value in flows:
        for column, key in zip(columns, (origin, grad, work), strict=True):
            column[key] = column.get(key, 0.0) + value
        links[0][(origin, grad)] = links[0].get((origin, grad), 0.0) + value
        links[1][(grad, work)] = links[1].get((grad, work), 0.0) + value
    total = sum(columns[0].values()) or 1.0
    node_w, pad, top_pad, label_w = 14, 6, 22, 46
    xs = [label_w, (width - node_w) / 2, width - node_w - label_w]
    usable = height - top_pad - 10
    positions: list[dict[str, list[float]]] = []  # name -> [y, height, out_offset, in_offset]
    for column in columns:
        n_nodes = len(column)
        scale = (usable - pad * max(0, n_nodes - 1)) / total
        y = top_pad
        placed = {}
        for name in sorted(column, key=lambda k: (k == "Other", -column[k], k)):
            h = max(1.0, column[name] * scale)
            placed[name] = [y, h, 0.0, 0.0]
            y += h + pad
        positions.append(placed)
    parts = [svg_open("sankey", width, height)]
    for i, title in enumerate(("Origin (undergraduate)", "Graduate school", "Work")):
        anchor = ("start", "middle", "end")[i]
        x = (2, width / 2, width - 2)[i]  # 2px in: a glyph may reach past its anchor
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="{anchor}" class="axis">{title}</text>')
    for step in (0, 1):
        source_nodes, target_nodes = positions[step], positions[step + 1]
        ordered = sorted(links[step].items(), key=lambda kv: (source_nodes[kv[0][0]][0], target_nodes[kv[0][1]][0]))
        for (source, target), value in ordered:
            thickness = max(0.5, value * (source_nodes[source][1] / columns[step][source]))
            s = source_nodes[source]
            t = target_nodes[target]
            t_thick = max(0.5, value * (t[1] / columns[step + 1][target]))
            x0, x1 = xs[step] + node_w, xs[step + 1]
            y0, y1 = s[0] + s[2], t[0] + t[3]
            s[2] += thickness
            t[3] += t_thick
            xm = (x0 + x1) / 2
            parts.append(
                f'<path class="link" d="M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
                f'L{x1:.1f},{y1 + t_thick:.1f} C{xm:.1f},{y1 + t_thick:.1f} {xm:.1f},{y0 + thickness:.1f} '
                f'{x0:.1f},{y0 + thickness:.1f} Z" fill="{colours.get(source, OTHER_COLOUR)}" fill-opacity="0.45">'
                f"<title>{esc(source)} → {esc(target)}: {value:g}</title></path>"
            )
    for i, placed in enumerate(positions):
        for name, (y, h, _, _) in placed.items():
            parts.append(f'<rect class="node" x="{xs[i]:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
                         f'fill="{colours.get(name, OTHER_COLOUR)}"><title>{esc(name)}: {columns[i][name]:g}</title>'
                         "</rect>")
            label_x = xs[i] - 4 if i == 0 else xs[i] + node_w + 4
            anchor = "end" if i == 0 else "start"
            if h >= 9:
                parts.append(f'<text class="label" x="{label_x:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}">'
                             f"{esc(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)
