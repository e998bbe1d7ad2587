"""The main window: navigation on the left, the unit and the reporting month always in view, pages built lazily."""

from __future__ import annotations

import datetime as dt
import importlib
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP, level_name, tr
from desktop.icons import ON_DARK, icon
from desktop.options import get_option, set_option
from desktop.style import set_style_property
from models.periods import current_period, period_label

# key, title, icon, module, class; the order is the navigation's and Ctrl+1 … Ctrl+7's.
PAGES = (
    ("tasks", QT_TRANSLATE_NOOP("", "任务进展"), "tasks", "desktop.entrypage", "TasksPage"),
    ("events", QT_TRANSLATE_NOOP("", "促消费活动"), "events", "desktop.entrypage", "EventsPage"),
    ("figures", QT_TRANSLATE_NOOP("", "回收与以旧换新"), "figures", "desktop.entrypage", "FiguresPage"),
    ("returns", QT_TRANSLATE_NOOP("", "报表导出"), "returns", "desktop.returnspage", "ReturnsPage"),
    ("merge", QT_TRANSLATE_NOOP("", "汇总合并"), "merge", "desktop.mergepage", "MergePage"),
    ("dashboard", QT_TRANSLATE_NOOP("", "统计图表"), "dashboard", "desktop.dashboard", "DashboardPage"),
    ("settings", QT_TRANSLATE_NOOP("", "设置"), "settings", "desktop.settingspage", "SettingsPage"),
)
FORM_PAGES = {"tasks": "tasks", "events": "events", "figures": "figures"}


def month_choices(selected: str, today: dt.date | None = None) -> list[str]:
    """The months offered: this month back to January of last year, newest first (and the one selected)."""
    today = today or dt.date.today()
    months = []
    y, mth = today.year, today.month
    while (y, mth) >= (today.year - 1, 1):
        months.append(f"{y}-{mth:02d}")
        y, mth = (y, mth - 1) if mth > 1 else (y - 1, 12)
    if selected not in months:
        months.append(selected)
        months.sort(reverse=True)
    return months


class PeriodBar(QWidget):
    """◀ 2025年10月 ▶ and the month's state; always visible in the header."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(QLabel(tr("报告期"), objectName="PeriodLabel"))
        self.prev = QToolButton()
        self.prev.setIcon(icon("prev"))
        self.prev.setToolTip(tr("上个月 (Ctrl+PgUp)"))
        self.box = QComboBox(objectName="PeriodBox")
        self.next = QToolButton()
        self.next.setIcon(icon("next"))
        self.next.setToolTip(tr("下个月 (Ctrl+PgDown)"))
        self.chip = QLabel(objectName="StateChip")
        for w in (self.prev, self.box, self.next):
            layout.addWidget(w)
        layout.addSpacing(8)
        layout.addWidget(self.chip)
        self.prev.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.box.activated.connect(lambda _i: session.set_period(self.box.currentData()))
        session.period_changed.connect(lambda _p: self.update_state())
        session.lock_changed.connect(self.update_state)
        self.update_state()

    def step(self, months: int) -> None:
        """Go to the previous (-1) or next (+1) month."""
        y, m = int(self.session.period[:4]), int(self.session.period[5:])
        m += months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        if 2020 <= y <= 2035:
            self.session.set_period(f"{y}-{m:02d}")

    def update_state(self) -> None:
        """Show the month and whether it is open or locked."""
        self.box.blockSignals(True)
        self.box.clear()
        for p in month_choices(self.session.period):
            self.box.addItem(period_label(p), p)
        self.box.setCurrentIndex(self.box.findData(self.session.period))
        self.box.blockSignals(False)
        reason = self.session.lock_reason()
        self.chip.setText(tr("已报送 · 只读") if reason else tr("填报中"))
        self.chip.setToolTip(reason or tr("本月可以填写和修改"))
        set_style_property(self.chip, "state", "locked" if reason else "open")


class MainWindow(QMainWindow):
    """The program's window for one unit."""

    def __init__(self, session, *, database_label: str = "", parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.database_label = database_label
        self.pages: dict[str, QWidget] = {}
        self.undo_group = QUndoGroup(self)
        self.resize(1360, 860)
        self.setMinimumSize(QSize(1000, 640))

        # Built from the window down, each container in place before it is filled: with the app-wide style sheet
        # a subtree moved into a new parent is restyled, and its widgets already polished are polished again.
        central = QWidget()
        self.setCentralWidget(central)
        root = QHBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self._build_sidebar(root)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        root.addLayout(right, 1)
        self._build_header(right)
        self.stack = QStackedWidget(central)
        right.addWidget(self.stack, 1)
        self.db_status = QLabel()
        self.statusBar().addPermanentWidget(self.db_status)
        self._build_actions()

        self.placeholders: dict[str, QWidget] = {}
        for key, *_ in PAGES:
            placeholder = QWidget()
            self.placeholders[key] = placeholder
            self.stack.addWidget(placeholder)
        self.nav.currentRowChanged.connect(self._nav_changed)
        session.period_changed.connect(lambda _p: self._update_title())
        session.lock_changed.connect(self._update_title)
        self._update_title()
        geometry = get_option("window_geometry")
        if geometry:
            self.restoreGeometry(geometry)
        self.nav.setCurrentRow(0)

    # ---- building --------------------------------------------------------------------------------

    def _build_sidebar(self, root: QHBoxLayout) -> None:
        side = QFrame(objectName="Sidebar")
        root.addWidget(side)
        side.setFixedWidth(196)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(0)
        layout.addWidget(QLabel(tr("两新填报"), objectName="AppTitle", wordWrap=True))  # "LiangXin Reporter" is wider
        plan = self.session.plan
        layout.addWidget(QLabel(plan.jurisdiction if plan else "", objectName="AppSubtitle"))
        self.nav = QListWidget(side, objectName="Nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        shown = self.shown_pages()
        for key, title, icon_name, *_rest in PAGES:
            item = QListWidgetItem(icon(icon_name, ON_DARK, 20), tr(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(180, 42))  # explicit: style-sheet padding is not counted in the size hint
            self.nav.addItem(item)
            if key in shown:
                item.setToolTip(tr(title) + f" (Ctrl+{shown.index(key) + 1})")
            else:
                item.setHidden(True)
        layout.addWidget(self.nav, 1)
        guide = QPushButton(icon("open", ON_DARK, 16), tr("使用说明"), objectName="GuideLink")
        guide.setFlat(True)
        guide.setCursor(Qt.CursorShape.PointingHandCursor)
        guide.clicked.connect(self.show_guide)
        layout.addWidget(guide)
        self.user_label = QLabel(objectName="AppSubtitle")
        self.user_label.setWordWrap(True)
        layout.addWidget(self.user_label)

    def _build_header(self, right: QVBoxLayout) -> None:
        bar = QFrame(objectName="HeaderBar")
        right.addWidget(bar)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(18, 10, 18, 10)
        unit = self.session.unit
        names = QVBoxLayout()
        names.setSpacing(0)
        self.unit_label = QLabel(f"{unit.name}", objectName="UnitName")
        plan = self.session.plan
        plan_title = plan.title if plan else tr("未选择工作方案")
        self.plan_label = QLabel(f"{level_name(unit.level)} · {unit.code} · {plan_title}", objectName="PlanName")
        self.plan_label.setMaximumWidth(640)
        names.addWidget(self.unit_label)
        names.addWidget(self.plan_label)
        layout.addLayout(names, 1)
        self.period_bar = PeriodBar(self.session, bar)
        layout.addWidget(self.period_bar)

    def shown_pages(self) -> list[str]:
        """The pages of this unit, in navigation order: a township merges nothing."""
        return [key for key, *_rest in PAGES if key != "merge" or self.session.is_aggregating]

    def _build_actions(self) -> None:
        self.shortcut_actions: list[QAction] = []  # what F1 lists, as declared here (their keys worded only then)

        def add(text: str, keys, slot) -> QAction:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, (list, tuple)) else [keys])])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.shortcut_actions.append(action)
            return action

        self.undo_action = self.undo_group.createUndoAction(self, tr("撤销"))
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, tr("重做"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        titles = {key: title for key, title, *_rest in PAGES}
        for n, key in enumerate(self.shown_pages(), start=1):  # numbered as the navigation shows them
            add(tr(titles[key]), f"Ctrl+{n}", lambda _=False, k=key: self.show_page(k))
        add(tr("上个月"), ["Ctrl+PgUp", "Alt+Left"], lambda: self.period_bar.step(-1))
        add(tr("下个月"), ["Ctrl+PgDown", "Alt+Right"], lambda: self.period_bar.step(1))
        add(tr("导出报表"), "Ctrl+E", self.export_return)
        add(tr("刷新"), "F5", self.reload_page)
        add(tr("查找任务"), "Ctrl+F", self._find)
        add(tr("保存"), QKeySequence.StandardKey.Save,
            lambda: self.statusBar().showMessage(tr("每项输入都已自动保存，无需手动保存。"), 4000))
        add(tr("退出"), QKeySequence.StandardKey.Quit, self.close)
        add(tr("快捷键一览"), "F1", self.show_shortcuts)

    # ---- pages -----------------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """Return a page, building it on first use (start-up builds only the first)."""
        if key not in self.pages:
            _key, _title, _icon, module, cls = next(p for p in PAGES if p[0] == key)
            page_class = getattr(importlib.import_module(module), cls)
            # Made inside the stack: a page moved into it afterwards would have the style sheet applied again.
            if key == "settings":
                page = page_class(self.session, database_label=self.database_label, parent=self.stack)
            else:
                page = page_class(self.session, parent=self.stack)
            page.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
            if hasattr(page, "reopen_requested"):
                page.reopen_requested.connect(self.reopen_month)
            if hasattr(page, "goto_finding"):
                page.goto_finding.connect(self.goto_finding)
            if hasattr(page, "goto_month"):
                page.goto_month.connect(self.goto_month)
            if hasattr(page, "model"):
                self.undo_group.addStack(page.model.undo_stack)
            index = self.stack.indexOf(self.placeholders[key])
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(self.placeholders[key])
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        """Show a page, as its navigation entry or Ctrl+number does."""
        row = next(i for i, p in enumerate(PAGES) if p[0] == key)
        if self.nav.item(row).isHidden():
            return self.stack.currentWidget()
        self.nav.setCurrentRow(row)
        return self.pages[key]

    def _nav_changed(self, row: int) -> None:
        key = PAGES[row][0]
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        self.undo_group.setActiveStack(page.model.undo_stack if hasattr(page, "model") else None)
        page.activate()
        if hasattr(page, "table"):
            page.table.setFocus()

    def current_page(self) -> QWidget:
        """The page on screen."""
        return self.stack.currentWidget()

    def reload_page(self) -> None:
        """Read the page's data again (F5)."""
        page = self.current_page()
        if hasattr(page, "refresh"):
            page.refresh()
            self.statusBar().showMessage(tr("已刷新"), 3000)

    def shortcuts(self) -> list[tuple[str, str]]:
        """The window's actions with their keys, as the system words them: 上个月 → Ctrl+PgUp / Alt+Left."""
        return [(a.text(), " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()))
                for a in self.shortcut_actions]

    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts (F1), with the grids' own keys."""
        from PySide6.QtWidgets import QMessageBox

        grid = [(tr("表格中下移 / 右移"), "Enter / Tab"), (tr("与 Excel、WPS 复制粘贴"), "Ctrl+C / Ctrl+V"),
                (tr("撤销 / 重做"), "Ctrl+Z / Ctrl+Y"), (tr("新增活动"), "Ctrl+N"), (tr("删除所选活动"), "Ctrl+Delete")]
        rows = "".join(f"<tr><td>{escape(text)}</td><td style='padding-left:18px'><b>{escape(keys)}</b></td></tr>"
                       for text, keys in [*self.shortcuts(), *grid] if keys)
        box = QMessageBox(QMessageBox.Icon.NoIcon, tr("快捷键一览"), f"<table>{rows}</table>", parent=self)
        box.setObjectName("ShortcutHelp")
        guide = box.addButton(tr("使用说明…"), QMessageBox.ButtonRole.HelpRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is guide:
            self.show_guide()

    def show_guide(self):
        """Open the user guide (使用说明), from F1."""
        from desktop.guide import show_guide

        self.guide = show_guide(self)
        return self.guide

    def _find(self) -> None:
        page = self.show_page("tasks")
        page.search.setFocus()
        page.search.selectAll()

    # ---- actions ---------------------------------------------------------------------------------

    def export_return(self) -> None:
        """Go to 报表导出 and export (Ctrl+E)."""
        page = self.show_page("returns")
        page.export()

    def reopen_month(self) -> bool:
        """Reopen the locked month with a reason."""
        from desktop.returnspage import reopen_month

        return reopen_month(self, self.session)

    def goto_finding(self, form_id: str, row_key: str, field: str) -> None:
        """Go to the cell a finding is about."""
        key = next(k for k, f in FORM_PAGES.items() if f == form_id)
        page = self.show_page(key)
        page.select_cell(page.model.row_of(row_key), field or page.model.first_input_key)

    def goto_month(self, period: str, key: str) -> None:
        """Change the reporting month and show a page (统计图表's 去填报 for a month 本年累计 leaves out)."""
        self.session.set_period(period)
        self.show_page(key)

    def _update_title(self) -> None:
        s = self.session
        self.setWindowTitle(tr("两新填报") + f" — {s.unit.name} · {period_label(s.period)}")
        self.user_label.setText(tr("操作人：{name}").format(name=s.user) if s.user else "")
        self.db_status.setText(tr("数据：{where}").format(where=self.database_label))

    def closeEvent(self, event) -> None:  # noqa: N802
        set_option("window_geometry", bytes(self.saveGeometry().data()))
        super().closeEvent(event)


def initial_period() -> str:
    """The month a clerk most likely reports: last month until the 10th."""
    return current_period()
