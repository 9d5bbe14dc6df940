"""The balance over time (QtCharts): a step line through the balance after each entry.
Its labels are written as the UI's language writes them: 213.241 in German, 213,241 in
English; the dates as the caller asks."""

from __future__ import annotations

from datetime import datetime

from xrewards_desk.ui.qt import (
    QChart,
    QChartView,
    QDateTime,
    QDateTimeAxis,
    QLineSeries,
    QLocale,
    QPainter,
    Qt,
    QValueAxis,
)


class BalanceChart(QChartView):
    def __init__(self) -> None:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(chart.margins() * 0)
        super().__init__(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)
        self.points = 0

    def show_series(self, series: list[tuple[datetime, int]], title: str,
                    date_format: str, locale: QLocale | None = None) -> None:
        """`series`: (instant, balance after it); `locale` (default: the UI's) writes the
        numbers and month names."""
        chart = self.chart()
        chart.setLocalizeNumbers(True)
        chart.setLocale(locale if locale is not None else QLocale())
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        line = QLineSeries()
        last: int | None = None
        for at, balance in series:
            ms = int(at.timestamp() * 1000)
            if last is not None:
                line.append(ms, last)  # a step: the balance holds until the next entry
            line.append(ms, balance)
            last = balance
        if series:
            now = QDateTime.currentMSecsSinceEpoch()
            line.append(max(now, int(series[-1][0].timestamp() * 1000)), last or 0)
        self.points = line.count()
        chart.addSeries(line)
        x = QDateTimeAxis()
        x.setFormat(date_format)
        x.setTickCount(6)
        y = QValueAxis()
        # localized, "%d" draws no label at all (the axis hands it a double): "%.0f" does
        y.setLabelFormat("%.0f")
        if series:
            low = min(0, *(b for _a, b in series))
            high = max(1, *(b for _a, b in series))
            y.setRange(low, high * 1.1)
            if high - low >= 10:
                y.applyNiceNumbers()  # ticks at round numbers: 0, 20.000, 40.000 …
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(x)
        line.attachAxis(y)
