"""统计图表: events against the yearly minimums, figures against the 2023 base and targets, task status by
section, and for a district the townships' completeness and totals (QtCharts)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.dashboard_data import (
    NO_STATUS,
    aggregate_month,
    event_goals,
    events_by_type,
    figure_lines,
    form_short_names,
    month_rows,
    month_runs,
    months_without_figures,
    short_indicator,
    short_section,
    status_choices,
    task_status_by_section,
    township_overview,
)
from desktop.i18n import QT_TRANSLATE_NOOP, tr
from desktop.widgets import Banner, Card, Page, page_header, scrolling
from models.periods import period_label

# 报送情况 in the townships' table: reports.completeness's states, and a month entered here without a merged file.
ENTRY_STATES = {"submitted": QT_TRANSLATE_NOOP("", "已提交"), "entered": QT_TRANSLATE_NOOP("", "填报中")}
STATE_COLOURS = {"returned": "#276738", "submitted": "#276738", "entered": "#1f5fa8", "reopened": "#8a5a00",
                 "conflict": "#8a5a00", "rejected": "#c62828", "missing": "#c62828"}
STATUS_COLOURS = {"已完成": "#2e7d32", "推进中": "#1f5fa8", "未启动": "#9aa3ae", "滞后": "#c62828", NO_STATUS: "#d9dee5"}
SERIES_COLOURS = ("#1f5fa8", "#e8a000", "#6aa84f", "#8e6cc0", "#c62828")


def _pct(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:+.1f}%"


def _num(value, decimals: int = 0) -> str:
    return "—" if value is None else f"{Decimal(value):,.{decimals}f}"


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setBackgroundRoundness(6)
    return chart


def _view(chart: QChart, height: int = 300) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(height)
    return view


def _bar_set(label: str, values: list[float], colour: str) -> QBarSet:
    bar = QBarSet(label)
    bar.append([float(v) for v in values])
    bar.setColor(QColor(colour))
    bar.setBorderColor(QColor(colour))
    return bar


def _value_axis(maximum: float, fmt: str = "%d", minimum: float = 0) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(minimum, maximum)
    axis.setLabelFormat(fmt)
    axis.applyNiceNumbers()  # round ticks: 0, 5, 10 … rather than 0, 5.4, 10.8 …
    return axis



def _attach(chart: QChart, series, *, bottom, left) -> None:
    """Put the two axes on the chart and tie the series to them."""
    chart.addAxis(bottom, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(bottom)
    series.attachAxis(left)

class DashboardPage(Page):
    """Charts of the reporting month and the year so far."""

    title = QT_TRANSLATE_NOOP("", "统计图表")
    icon_name = "dashboard"
    goto_month = Signal(str, str)  # a month and the page to fill it in on

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        header, self.subtitle = page_header(tr(self.title))
        self.subtitle.setObjectName("Hint")
        outer.addLayout(header)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        outer.addWidget(scrolling(self.body), 1)
        self.cards = {key: Card(title) for key, title in (
            ("events", tr("本年促消费活动")), ("tasks", tr("重点任务")), ("figures", tr("回收与以旧换新")),
            ("checks", tr("本月数据检查")))}
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card)
        self.grid.addLayout(cards, 0, 0, 1, 2)
        # Months of the year with no 表3 data: 本年累计 leaves them out, so 较2023年 reads low (under the cards,
        # beside 回收与以旧换新's count of indicators that grew).
        self.gap_banner = Banner()
        self.gap_banner.clicked.connect(self._fill_gap)
        self.grid.addWidget(self.gap_banner, 1, 0, 1, 2)
        self._gap: tuple[str, str] | None = None
        self.charts: dict[str, QChartView] = {}

    def refresh(self) -> None:
        s = self.session
        self.subtitle.setText(tr("{unit} · {period} · 本年累计至本月").format(unit=s.unit.name, period=period_label(s.period)))
        for view in self.charts.values():
            self.grid.removeWidget(view)
            view.deleteLater()
        self.charts.clear()
        for extra in self.findChildren(QTableWidget):
            self.grid.removeWidget(extra)
            extra.deleteLater()
        aggregate = s.is_aggregating  # a district's figures are its townships' sums
        district = aggregate_month(s.period) if aggregate else None
        rows = district.rows if district else month_rows(s.unit_code, s.period)
        counts = events_by_type(s.unit_code, s.period, aggregate=aggregate)
        goals = event_goals(s.plan, counts)
        statuses = task_status_by_section(rows["tasks"])
        lines = figure_lines(rows["figures"], s.plan)
        findings = [f for form_list in rows.values() for r in form_list for f in r.findings]
        self._fill_cards(counts, goals, statuses, lines, findings)
        self._show_gap(months_without_figures(s.unit_code, s.period, aggregate=aggregate), aggregate)
        self._add(self._events_chart(counts, goals), 2, 0)
        self._add(self._status_chart(statuses), 2, 1)
        self._add(self._figures_chart(lines), 3, 0, 1, 2, height=460)
        self.grid.addWidget(self._figures_table(lines), 4, 0, 1, 2)
        if district:
            overview = township_overview(s.unit_code, s.period,
                                         known={t.unit.code: t.rows for t in district.townships})
            if overview:
                # slanted names (more than 8 townships) take height from the bars: give it back
                self._add(self._township_chart(overview), 5, 0, 1, 2, height=320 if len(overview) <= 8 else 400)
                self.grid.addWidget(self._completeness_table(overview), 6, 0, 1, 2)
                self.grid.addWidget(self._growth_table(overview, lines), 7, 0, 1, 2)

    def _show_gap(self, months: list[str], aggregate: bool) -> None:
        if not months:
            self._gap = None
            self.gap_banner.hide()
            return
        first = _month_name(int(months[0][5:7]))
        if aggregate:
            text = tr("本年累计不含{months}：这些月份还没有汇总任何下级单位的报表，较2023年增减和目标进度因此偏低。")
            button, self._gap = tr("去汇总{month}").format(month=first), (months[0], "merge")
        else:
            text = tr("本年累计不含{months}：这些月份还没有填报表3，较2023年增减和目标进度因此偏低。")
            button, self._gap = tr("去填报{month}").format(month=first), (months[0], "figures")
        self.gap_banner.show_message("locked", text.format(months=_months_text(months)), button, "warning")

    def _fill_gap(self) -> None:
        if self._gap:
            self.goto_month.emit(*self._gap)

    def _add(self, chart: QChart, row: int, col: int, rows: int = 1, cols: int = 1, *, height: int = 300) -> None:
        view = _view(chart, height)
        self.charts[chart.objectName() or chart.title()] = view
        self.grid.addWidget(view, row, col, rows, cols)

    # ---- cards -----------------------------------------------------------------------------------

    def _fill_cards(self, counts, goals, statuses, lines, findings) -> None:
        held = sum(counts.values())
        unmet = [g for g in goals if not g.met]
        self.cards["events"].set(tr("{n} 场").format(n=held),
                                 tr("年度最低场次均已达到") if goals and not unmet else
                                 "；".join(f"{g.wording}：{g.held}/{g.min_count}" for g in unmet) or tr("方案未规定场次"),
                                 "#276738" if goals and not unmet else "")
        total = sum(sum(c.values()) for c in statuses.values())
        done = sum(c.get("已完成", 0) for c in statuses.values())
        late = sum(c.get("滞后", 0) for c in statuses.values())
        self.cards["tasks"].set(f"{done}/{total}", tr("已完成 {done} 项，推进中 {going} 项，滞后 {late} 项").format(
            done=done, going=sum(c.get("推进中", 0) for c in statuses.values()), late=late),
            "#c62828" if late else "")
        with_base = [ln for ln in lines if ln.vs_base is not None]
        up = sum(1 for ln in with_base if ln.vs_base > 0)
        self.cards["figures"].set(tr("{up}/{n} 项增长").format(up=up, n=len(with_base)),
                                  tr("本年累计较2023年基数增长的指标"))
        hard = sum(1 for f in findings if f.level == "hard")
        soft = sum(1 for f in findings if f.level == "soft" and not f.explained)
        self.cards["checks"].set(tr("可以报送") if not hard and not soft else tr("{n} 处问题").format(n=hard + soft),
                                 tr("{hard} 处错误，{soft} 处待说明").format(hard=hard, soft=soft),
                                 "#276738" if not hard and not soft else "#c62828")

    # ---- charts ----------------------------------------------------------------------------------

    def _events_chart(self, counts, goals) -> QChart:
        chart = _chart(tr("促消费活动：本年已办与年度最低场次"))
        chart.setObjectName("events")
        if goals:
            names = ["、".join(g.labels) for g in goals]
            held, wanted = [g.held for g in goals], [g.min_count for g in goals]
        else:
            names = list(counts) or [tr("活动")]
            held, wanted = [counts[n] for n in names] or [0], [0] * len(names)
        series = QBarSeries()
        series.append(_bar_set(tr("本年已办"), held, SERIES_COLOURS[0]))
        if goals:
            series.append(_bar_set(tr("年度最低场次"), wanted, "#c9d3df"))
        series.setLabelsVisible(True)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.setTruncateLabels(False)
        axis_x.append(names)
        axis_y = _value_axis(max([*held, *wanted, 1]) * 1.25)
        _attach(chart, series, bottom=axis_x, left=axis_y)
        return chart

    def _status_chart(self, statuses) -> QChart:
        chart = _chart(tr("重点任务推进状态（按部分）"))
        chart.setObjectName("tasks")
        sections = list(reversed(statuses))  # a horizontal chart draws its first category at the bottom
        series = QHorizontalStackedBarSeries()
        for status in status_choices():
            series.append(_bar_set(status, [statuses[s].get(status, 0) for s in sections], STATUS_COLOURS[status]))
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.setTruncateLabels(False)
        axis_y.append([n if len(n) <= 12 else n[:11] + "…" for n in (short_section(s) for s in sections)])
        axis_x = _value_axis(max([sum(c.values()) for c in statuses.values()] + [1]))
        _attach(chart, series, bottom=axis_x, left=axis_y)
        return chart

    def _figures_chart(self, lines) -> QChart:
        chart = _chart(tr("回收与以旧换新：本年累计较2023年增减与目标增幅（%）"))
        chart.setObjectName("figures")
        shown = [ln for ln in lines if ln.vs_base is not None or ln.yoy is not None][::-1]
        series = QHorizontalBarSeries()
        columns = (
            (tr("较2023年增减"), [ln.vs_base for ln in shown], SERIES_COLOURS[0]),
            (tr("2025年目标增幅"), [ln.target_growth(2025) for ln in shown], SERIES_COLOURS[1]),
            (tr("2027年目标增幅"), [ln.target_growth(2027) for ln in shown], SERIES_COLOURS[3]),
        )
        values: list[float] = []
        for label, column, colour in columns:
            if any(v is not None for v in column):
                numbers = [float(v * 100) if v is not None else 0.0 for v in column]
                values += numbers
                series.append(_bar_set(label, numbers, colour))
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.setTruncateLabels(False)
        axis_y.append([ln.label if len(ln.label) <= 12 else ln.label[:11] + "…" for ln in shown] or [tr("（无数据）")])
        low, high = min([*values, 0.0]), max([*values, 10.0])
        axis_x = _value_axis(high * 1.15, "%.0f%%", low * 1.15 if low < 0 else 0)
        _attach(chart, series, bottom=axis_x, left=axis_y)
        return chart

    def _figures_table(self, lines) -> QTableWidget:
        headers = [tr("指标"), tr("单位"), tr("本年累计"), tr("上年同期"), tr("同比"), tr("2023年基数"), tr("较2023年"),
                   tr("2025年目标"), tr("2027年目标"), tr("目标进度")]
        table = _read_only_table("FiguresTable", headers, len(lines))
        for r, ln in enumerate(lines):
            decimals = 2 if ln.unit == "万元" else 0
            cells = [ln.label, ln.unit, _num(ln.ytd, decimals), _num(ln.last_year, decimals), _pct(ln.yoy),
                     _num(ln.base, decimals), _pct(ln.vs_base),
                     ln.targets[2025].wording if 2025 in ln.targets else "—",
                     ln.targets[2027].wording if 2027 in ln.targets else "—",
                     "—" if ln.progress is None else f"{Decimal(ln.progress) * 100:.0f}%"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= c <= 6 or c == 9:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c in (7, 8):
                    item.setToolTip(text)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        for c in (7, 8):
            table.setColumnWidth(c, 220)
        table.horizontalHeader().setStretchLastSection(True)
        _fit_height(table)
        return table

    def _township_chart(self, overview) -> QChart:
        chart = _chart(tr("各镇街本月促消费活动场次与销售额"))
        chart.setObjectName("townships")
        series = QBarSeries()
        series.append(_bar_set(tr("活动场次"), [u.events for u in overview], SERIES_COLOURS[0]))
        sales = QBarSeries()
        series.setLabelsVisible(True)
        chart.addSeries(series)
        sales_set = _bar_set(tr("销售额（万元）"), [float(u.sales) for u in overview], SERIES_COLOURS[1])
        sales.append(sales_set)
        sales.setLabelsVisible(True)
        sales.setLabelsFormat("@value")
        chart.addSeries(sales)
        for bars in (series, sales):  # above the bars, in the text colour: inside a narrow bar 10640 showed as 064
            bars.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
            for bar_set in bars.barSets():
                bar_set.setLabelColor(QColor("#1e2a38"))
        axis_x = QBarCategoryAxis()
        axis_x.setTruncateLabels(False)
        axis_x.append([u.name for u in overview])
        if len(overview) > 8:  # a dozen names side by side do not fit: Qt drops those that overlap, so slant them
            axis_x.setLabelsAngle(-45)
        axis_events = _value_axis(max([u.events for u in overview] + [1]) * 1.3)
        axis_events.setTitleText(tr("场次"))
        axis_sales = _value_axis(max([float(u.sales) for u in overview] + [1.0]) * 1.3, "%.0f")
        axis_sales.setTitleText(tr("万元"))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_events, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_sales, Qt.AlignmentFlag.AlignRight)
        series.attachAxis(axis_x)
        series.attachAxis(axis_events)
        sales.attachAxis(axis_x)
        sales.attachAxis(axis_sales)
        return chart

    def _completeness_table(self, overview) -> QTableWidget:
        from reports.completeness import STATE_LABELS

        forms = form_short_names()
        headers = [tr("单位"), *forms.values(), tr("报送情况"), tr("错误"), tr("任务已完成"), tr("任务滞后"),
                   tr("活动场次"), tr("销售额（万元）")]
        table = _read_only_table("CompletenessTable", headers, len(overview))
        state_column = 1 + len(forms)
        for r, u in enumerate(overview):
            state = tr(ENTRY_STATES[u.state]) if u.state in ENTRY_STATES else tr(STATE_LABELS.get(u.state, u.state))
            cells = [u.name, *[(tr("已报") if u.reported[f] else tr("未报")) for f in forms], state,
                     str(u.hard), str(u.statuses["已完成"]), str(u.statuses["滞后"]), str(u.events), f"{u.sales:,.2f}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == state_column:
                    item.setForeground(QColor(STATE_COLOURS.get(u.state, "#1e2a38")))
                elif text == tr("未报"):
                    item.setForeground(QColor("#c62828"))
                elif text == tr("已报"):
                    item.setForeground(QColor("#276738"))
                if c == len(headers) - 3 and u.statuses["滞后"]:
                    item.setForeground(QColor(STATUS_COLOURS["滞后"]))
                if c >= len(headers) - 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        _fit_height(table)
        return table

    def _growth_table(self, overview, lines) -> QTableWidget:
        """Each unit below's 较2023年增减 per indicator, and the whole district's, coloured by sign."""
        headers = [tr("较2023年增减"), *(_two_lines(short_indicator(ln.label)) for ln in lines)]
        table = _read_only_table("GrowthTable", headers, len(overview) + 1)
        for c, ln in enumerate(lines, start=1):
            table.horizontalHeaderItem(c).setToolTip(ln.label)
        rows = [(u.name, [u.vs_base.get(ln.key) for ln in lines]) for u in overview]
        rows.append((tr("合计"), [ln.vs_base for ln in lines]))
        for r, (name, values) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(name))
            for c, value in enumerate(values, start=1):
                item = QTableWidgetItem(_pct(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if value is not None:
                    item.setForeground(QColor("#276738" if value >= 0 else "#c62828"))
                    item.setBackground(QColor("#eef7e9" if value >= 0 else "#fdecea"))
                table.setItem(r, c, item)
        bold = QFont()
        bold.setBold(True)
        for c in range(len(headers)):
            table.item(len(rows) - 1, c).setFont(bold)
        header = table.horizontalHeader()  # the units' names as wide as they need, the indicators share the rest
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        _fit_height(table)
        return table


def _two_lines(text: str, longest: int = 6) -> str:
    """A long Chinese heading in two lines (Chinese breaks between any two characters), so ten columns fit."""
    if len(text) <= longest:
        return text
    half = (len(text) + 1) // 2
    return f"{text[:half]}\n{text[half:]}"


def _month_name(month: int) -> str:
    return tr("{m}月").format(m=month)


def _months_text(months: list[str]) -> str:
    """1月–9月、11月: the months as runs."""
    return tr("、").join(_month_name(a) if a == b else f"{_month_name(a)}–{_month_name(b)}" for a, b in month_runs(months))


def _read_only_table(name: str, headers: list[str], rows: int) -> QTableWidget:
    """An empty read-only table with these column headings and no row numbers."""
    table = QTableWidget(rows, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def _fit_height(table: QTableWidget) -> None:
    """Make a table tall enough to show all its rows (the page scrolls, not the table), and its horizontal scroll bar
    when the columns are wider than the page (English headings are longer): else it covered the last row."""
    def fit() -> None:
        header = table.horizontalHeader()  # its hint, not its height: before it is shown, that is one line's
        bar = table.horizontalScrollBar()
        table.setMinimumHeight(table.verticalHeader().length() + max(header.height(), header.sizeHint().height()) + 6
                               + (bar.sizeHint().height() if bar.maximum() > 0 else 0))

    fit()
    table.horizontalScrollBar().rangeChanged.connect(fit)
