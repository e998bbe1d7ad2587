"""较上月变化 on 汇总合并: one line per township with its count of changes or why nothing was compared, opened to
its changes (报表 / 行 / 栏目 / 计量单位 / 上月 / 本期 / 增减 / 增减幅度), as reports/changes.py lists them."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr

if TYPE_CHECKING:
    from reports.changes import Change, MonthChanges, UnitChanges

NUMBER_COLUMNS = (4, 5, 6, 7)  # 上月, 本期, 增减, 增减幅度: the unit has its own column, so the digits line up
MAX_HEIGHT = 460  # the tree scrolls inside beyond this, so that the page stays short with 30 townships opened
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ChangesPanel(QWidget):
    """Each township's changes since last month; a township's changes are made into rows when it is opened."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.report: MonthChanges | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("较上月变化"), objectName="SectionTitle"))
        self.hint = QLabel(objectName="Hint")
        self.hint.setWordWrap(True)
        row.addWidget(self.hint, 1)
        self.expand_button = QPushButton(tr("全部展开"))
        self.collapse_button = QPushButton(tr("全部收起"))
        self.expand_button.clicked.connect(lambda: self.set_all_expanded(True))
        self.collapse_button.clicked.connect(lambda: self.set_all_expanded(False))
        row.addWidget(self.expand_button)
        row.addWidget(self.collapse_button)
        layout.addLayout(row)

        self.tree = QTreeWidget(objectName="Changes")
        # An empty last column takes the spare width: the eye goes from a row's label to its figures without a gap.
        self.tree.setColumnCount(9)
        self.tree.setHeaderLabels([tr("填报单位 / 报表"), tr("行"), tr("栏目"), tr("计量单位"), tr("上月"), tr("本期"),
                                   tr("增减"), tr("增减幅度"), ""])
        for c in NUMBER_COLUMNS:
            self.tree.headerItem().setTextAlignment(c, RIGHT)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(16)
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QTreeWidget.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setStretchLastSection(True)
        self.tree.itemExpanded.connect(self._opened)
        self.tree.itemCollapsed.connect(lambda _item: self._fit_height())
        layout.addWidget(self.tree)

    def show_report(self, report: MonthChanges) -> None:
        """Show a month's changes (reports.changes.month_changes): a line per township, its changes made when opened.

        The townships the reviewer had opened stay open, so that a merge or a decision does not close them.
        """
        tree = self.tree
        opened = {code for code in self._codes() if self.unit_item(code).isExpanded()}
        self.report = report
        tree.clear()
        bold = QFont(tree.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for i, unit in enumerate(report.units):
            item = QTreeWidgetItem(tree, [f"{unit.unit_name}（{unit.unit_code}）　{self._unit_summary(unit)}"])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setFirstColumnSpanned(True)
            if unit.changes:
                item.setFont(0, bold)
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            else:
                item.setForeground(0, QColor("#6b7a8c"))  # 本月未报 is red in 报送情况 above; here it is only why
        # The first column holds the sheet under a township's line (which spans the row): as wide as its heading.
        tree.setColumnWidth(0, tree.header().sectionSizeHint(0) + tree.indentation())
        self._fit_columns()
        self.hint.setText(self._summary(report))
        has_changes = any(u.changes for u in report.units)
        self.expand_button.setEnabled(has_changes)
        self.collapse_button.setEnabled(has_changes)
        tree.setVisible(bool(report.units))
        for code in opened:
            item = self.unit_item(code)
            if item is not None and report.units[item.data(0, Qt.ItemDataRole.UserRole)].changes:
                item.setExpanded(True)
        self._fit_height()

    def set_all_expanded(self, expanded: bool) -> None:
        """Open (or close) every township that has changes."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.childIndicatorPolicy() == QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator or item.childCount():
                item.setExpanded(expanded)

    def unit_item(self, unit_code: str) -> QTreeWidgetItem | None:
        """The line of a township."""
        codes = self._codes()
        return self.tree.topLevelItem(codes.index(unit_code)) if unit_code in codes else None

    def _codes(self) -> list[str]:
        """The townships' codes, line by line."""
        return [u.unit_code for u in self.report.units] if self.report is not None else []

    # ---- inside ----------------------------------------------------------------------------------

    def _opened(self, item: QTreeWidgetItem) -> None:
        if item.parent() is None and item.childCount() == 0 and self.report is not None:
            self._add_changes(item, self.report.units[item.data(0, Qt.ItemDataRole.UserRole)].changes)
            self._fit_columns()
        self._fit_height()

    def _add_changes(self, parent: QTreeWidgetItem, changes: list[Change]) -> None:
        from reports.changes import describe, shown_difference, shown_growth, shown_value

        for change in changes:
            cells = [change.sheet, change.row, change.field, change.unit, shown_value(change.before),
                     shown_value(change.after),
                     shown_difference(change), shown_growth(change)]
            child = QTreeWidgetItem(parent, cells)
            sentence = describe(change)
            for c in range(len(cells)):
                child.setToolTip(c, sentence)
            for c in NUMBER_COLUMNS:
                child.setTextAlignment(c, RIGHT)

    def _fit_columns(self) -> None:
        for c in (1, 2, 3, *NUMBER_COLUMNS):
            self.tree.resizeColumnToContents(c)
        self.tree.setColumnWidth(1, min(self.tree.columnWidth(1), 360))  # a long task title is elided, in full in the tip

    def _fit_height(self) -> None:
        """As tall as its lines (up to MAX_HEIGHT), so that a few townships take little room on the page."""
        tree = self.tree
        lines = tree.topLevelItemCount()
        lines += sum(tree.topLevelItem(i).childCount() for i in range(lines) if tree.topLevelItem(i).isExpanded())
        row = tree.sizeHintForRow(0) if tree.topLevelItemCount() else tree.fontMetrics().height() + 8
        needed = tree.header().sizeHint().height() + max(1, lines) * row + 2 * tree.frameWidth() + 4
        tree.setFixedHeight(min(MAX_HEIGHT, needed))

    def _unit_summary(self, unit: UnitChanges) -> str:
        if not unit.changes:
            return unit.note  # 本月未报 / 上月无数据，无从比较 / 与上月相同, in the core's words
        by_sheet = Counter(c.sheet for c in unit.changes)
        return tr("{n} 项变化").format(n=len(unit.changes)) + "（" + "，".join(
            f"{sheet} {n}" for sheet, n in by_sheet.items()) + "）"

    def _summary(self, report: MonthChanges) -> str:
        if not report.units:
            return tr("没有下级单位")
        units = report.units
        changed = [u for u in units if u.changes]
        counts = ((tr("{n} 个与上月相同"), [u for u in units if u.reported and u.reported_before and not u.changes]),
                  (tr("{n} 个本月未报"), [u for u in units if not u.reported]),
                  (tr("{n} 个上月无数据"), [u for u in units if u.reported and not u.reported_before]))
        parts = [tr("{n} 个单位有变化（共 {m} 项）").format(n=len(changed), m=sum(len(u.changes) for u in changed))]
        parts += [words.format(n=len(found)) for words, found in counts if found]
        return f"{report.title}：" + tr("，").join(parts)
