"""Episodes per night as a server-side SVG bar chart: no script, nothing fetched, labels escaped."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from markupsafe import Markup, escape

WIDTH = 600
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 36, 10, 14, 34
FONT = 17


def nights(last: date, count: int) -> list[date]:
    """`count` nights ending with `last`, oldest first (a night is named by the evening's date)."""
    return [last - timedelta(days=count - 1 - i) for i in range(count)]


def episodes_svg(per_night: Mapping[date, int], days: list[date]) -> Markup:
    """Bars of episodes per night over `days`; weekly labels under the axis."""
    peak = max([per_night.get(d, 0) for d in days] + [3])
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    step = plot_w / max(len(days), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" id="episodes-chart">',
        f'<title id="chart-title">Cramp episodes per night, last {len(days)} nights</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#182027"/>',
    ]
    for tick in range(peak + 1):
        if peak > 6 and tick % max(1, peak // 4) and tick != peak:
            continue
        y = _TOP + plot_h - plot_h * tick / peak
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
            'stroke="#2a3540" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{y + 6:.1f}" fill="#9aa7b2" font-size="{FONT}" '
            f'text-anchor="end">{tick}</text>'
        )
    for index, night in enumerate(days):
        count = per_night.get(night, 0)
        x = _LEFT + index * step
        if count:
            bar_h = plot_h * count / peak
            label = escape(f"{night.isoformat()}: {count} episode{'s' if count != 1 else ''}")
            parts.append(
                f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{_TOP + plot_h - bar_h:.1f}" '
                f'width="{step * 0.7:.1f}" height="{bar_h:.1f}" fill="#7fb7e6">'
                f"<title>{label}</title></rect>"
            )
        if index % 7 == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{HEIGHT - _BOTTOM + 18}" fill="#9aa7b2" '
                f'font-size="{FONT}" text-anchor="middle">{escape(night.strftime("%d %b"))}</text>'
            )
    parts.append(
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{WIDTH - _RIGHT}" y2="{_TOP + plot_h}" '
        'stroke="#9aa7b2" stroke-width="1"/></svg>'
    )
    return Markup("".join(parts))
