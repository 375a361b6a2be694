"""Provides `TrendChart`: shares of documents per year for the selected codes, drawn with plotext."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from reviewkit.analysis.trends import TrendRow

MARKERS = ("•", "+", "x", "o", "*", "#", "%", "@", "=", "~")
"""One marker per series, so that lines differ by shape as well as by colour (the legend shows it)."""


class TrendChart(PlotextPlot):
    """One line per code or group: share of that year's documents carrying it."""

    def show(self, rows: list[TrendRow], title: str) -> None:
        """Draw `rows` (one series per code label, in order of first appearance)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        plt.xlabel("year")
        plt.ylabel("share")
        labels = list(dict.fromkeys(r.code for r in rows))
        for n, label in enumerate(labels):
            series = [r for r in rows if r.code == label]
            marker = MARKERS[n % len(MARKERS)]
            plt.plot([r.year for r in series], [r.share for r in series], label=label, marker=marker)
        if rows:
            years = sorted({r.year for r in rows})
            plt.xticks([float(y) for y in years], [str(y) for y in years])
            plt.ylim(0, 1)
        self.refresh()
