"""The pictures on the pages, drawn as SVG at publish time: neighbourhood diagrams and bar charts.

Both are inlined into the HTML, so they must never carry a script: drawsvg
writes none, and pygal's own ``<script>`` elements (its tooltip configuration)
are removed from the tree before it is written. Text from the data reaches the
SVG only as element text, which both libraries escape; attribute values we pass
to drawsvg are escaped here, because drawsvg writes attributes verbatim.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import drawsvg  # type: ignore[import-untyped,unused-ignore]
import pygal  # type: ignore[import-untyped,unused-ignore]
from pygal.style import Style  # type: ignore[import-untyped,unused-ignore]

__all__ = ["KIND_COLOURS", "Bar", "Neighbour", "bar_chart", "neighbourhood_diagram"]

KIND_COLOURS: dict[str, str] = {
    "person": "#4e79a7",
    "organization": "#f28e2b",
    "collective": "#9c755f",
    "place": "#59a14f",
    "event": "#e15759",
    "work": "#76b7b2",
    "document": "#b6992d",
    "fact": "#b07aa1",
    "other": "#79706e",
}
"""One colour per kind of node (Tableau 10, chosen to stay apart for colour-blind readers)."""

MAX_NEIGHBOURS = 12
"""More than this and the labels collide; the table beside the diagram lists them all."""

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


@dataclass(frozen=True)
class Neighbour:
    """A node linked to the centre: by which link (its label) and in which direction."""

    label: str
    kind: str
    href: str
    links: tuple[str, ...]
    outgoing: bool
    """True when the centre is the subject (the arrow points away from the centre)."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str | None = None
    highlight: bool = False
    text: str | None = None
    """The figure as printed on the bar ("about 33", "35–40"), when it is not the bare number."""


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Anchor(drawsvg.DrawingParentElement):  # type: ignore[misc]
    """An ``<a href>`` group: drawsvg 2 has no element of its own for links."""

    TAG_NAME = "a"


def _box(label: str, size: float) -> tuple[float, float]:
    """Half width and half height of a node box fitting ``label`` at font ``size``."""
    return round(max(28.0, len(label) * size * 0.31 + 10), 1), round(size * 0.95, 1)


def _edge_end(cx: float, cy: float, tx: float, ty: float, hw: float, hh: float) -> tuple[float, float]:
    """Where the segment from (cx, cy) to (tx, ty) leaves the box of half size hw × hh around (tx, ty)."""
    dx, dy = cx - tx, cy - ty
    if dx == 0 and dy == 0:
        return tx, ty
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return round(tx + dx * scale, 1), round(ty + dy * scale, 1)


def neighbourhood_diagram(centre: str, centre_kind: str, neighbours: Sequence[Neighbour], ident: str) -> str:
    """An SVG of the centre and up to :data:`MAX_NEIGHBOURS` neighbours on an ellipse around it.

    ``ident`` keeps the ids of two diagrams on one page apart.
    """
    width, height = 640.0, 420.0
    cx, cy = width / 2, height / 2
    rx, ry = width / 2 - 105, height / 2 - 40
    shown = list(neighbours[:MAX_NEIGHBOURS])
    d = drawsvg.Drawing(width, height, id_prefix=f"{ident}-")
    d.svg_args.update(
        {
            "class": "diagram",
            "role": "img",
            "aria-label": _attr(f"Connections of {centre}"),
            "width": "100%",
            "height": None,  # the viewBox and CSS size it: it scales with the column
            "font-family": _attr(_FONT),
        }
    )
    d.append_title(f"Connections of {centre}")
    arrow = drawsvg.Marker(-1, -0.5, 0.2, 0.5, scale=9, orient="auto")
    arrow.append(drawsvg.Lines(-1, -0.5, 0.2, 0, -1, 0.5, close=True, fill="#555"))
    centre_label = _short(centre, 34)
    chw, chh = _box(centre_label, 15)
    edges = drawsvg.Group()
    nodes = drawsvg.Group()
    for number, item in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * number / max(1, len(shown))
        nx, ny = round(cx + rx * math.cos(angle), 1), round(cy + ry * math.sin(angle), 1)
        label = _short(item.label, 24)
        hw, hh = _box(label, 13)
        start = _edge_end(nx, ny, cx, cy, chw, chh)
        end = _edge_end(cx, cy, nx, ny, hw, hh)
        if not item.outgoing:
            start, end = end, start
        edges.append(drawsvg.Line(*start, *end, stroke="#777", stroke_width=1.4, marker_end=arrow))
        link_text = _short(", ".join(item.links), 26)
        mx, my = round((cx + nx) / 2, 1), round((cy + ny) / 2, 1)
        edges.append(
            drawsvg.Text(
                link_text,
                11,
                mx,
                my,
                text_anchor="middle",
                dominant_baseline="central",
                fill="#333",
                stroke="#fff",
                stroke_width=4,
                paint_order="stroke",
            )
        )
        anchor = _Anchor(href=_attr(item.href))
        anchor.append_title(f"{item.label} ({', '.join(item.links)})")
        colour = KIND_COLOURS.get(item.kind, KIND_COLOURS["other"])
        anchor.append(
            drawsvg.Rectangle(
                nx - hw, ny - hh, 2 * hw, 2 * hh, rx=6, fill="#fff", stroke=colour, stroke_width=2
            )
        )
        anchor.append(
            drawsvg.Text(label, 13, nx, ny, text_anchor="middle", dominant_baseline="central", fill="#1a1a1a")
        )
        nodes.append(anchor)
    colour = KIND_COLOURS.get(centre_kind, KIND_COLOURS["other"])
    nodes.append(drawsvg.Rectangle(cx - chw, cy - chh, 2 * chw, 2 * chh, rx=8, fill=colour))
    nodes.append(
        drawsvg.Text(
            centre_label,
            15,
            cx,
            cy,
            text_anchor="middle",
            dominant_baseline="central",
            fill="#fff",
            font_weight="bold",
        )
    )
    d.append(edges)
    d.append(nodes)
    return str(d.as_svg(header=""))


def _strip_scripts(tree: Any) -> Any:
    """pygal always writes a ``<script>`` with its tooltip configuration; a static page runs none."""
    for element in list(tree.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.rsplit("}", 1)[-1] == "script":
            element.getparent().remove(element)
        elif not tag:  # comments carry pygal's version and the render date, which change every run
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
    return tree


def bar_chart(bars: Sequence[Bar], unit: str, ident: str) -> str:
    """A bar chart (horizontal when labels are long) of ``bars``; highlighted bars stand out in colour."""
    horizontal = any(len(bar.label) > 10 for bar in bars) or len(bars) > 8
    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#cccccc",
        colors=("#4e79a7",),
        font_family=_FONT,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        value_label_font_size=12,
        title_font_size=14,
    )
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_class(
        style=style,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        width=720,
        height=max(260, 46 * len(bars) + 80) if horizontal else 340,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        value_formatter=lambda v: f"{v:g}",
        y_title=unit,
        x_label_rotation=0,
        truncate_label=-1,
        margin=16,
        range=(0, max([bar.value for bar in bars] + [0]) * 1.15 or 1),
        include_x_axis=True,
    )
    chart.uuid = ident
    chart.x_labels = [bar.label for bar in (reversed(bars) if horizontal else bars)]
    values: list[dict[str, Any]] = []
    for bar in reversed(bars) if horizontal else bars:
        value: dict[str, Any] = {"value": bar.value, "color": "#e15759" if bar.highlight else "#4e79a7"}
        if bar.text is not None:
            value["formatter"] = lambda _value, text=bar.text: text
        if bar.href:
            value["xlink"] = {"href": bar.href, "target": "_self"}
        values.append(value)
    chart.add(unit, values)
    chart.add_xml_filter(_strip_scripts)
    svg = chart.render(is_unicode=True)
    return str(svg)
