"""The three entry pages (任务进展, 促消费活动, 回收与以旧换新): one page class over the generic form model."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
)

from desktop.dashboard_data import NO_STATUS, event_goals, events_by_type
from desktop.entrytable import EntryTable, to_source
from desktop.formmodel import FormTableModel
from desktop.i18n import QT_TRANSLATE_NOOP, tr
from desktop.icons import icon
from desktop.style import set_style_property
from desktop.widgets import Banner, Page, page_header, scrolling
from forms import get_form
from forms.schema import Field
from models.periods import period_label, previous_period


class TaskFilter(QSortFilterProxyModel):
    """Shows the tasks of a section, a lead unit and a status, or matching a search text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.section = self.lead = self.status = self.text = ""
        # Filtered again only when a filter is chosen or the month loaded: a task typed into stays in view until
        # then, so that Enter goes on to the next task shown instead of jumping over the one that moved up.
        self.setDynamicSortFilter(False)

    def set_filter(self, *, section: str = "", lead: str = "", status: str = "", text: str = "") -> None:
        """Change the filters ('' shows all)."""
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self.section, self.lead, self.status, self.text = section, lead, status, text.strip()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.section, self.lead, self.status, self.text = section, lead, status, text.strip()
            self.invalidateRowsFilter()

    def multiData(self, index: QModelIndex, roleDataSpan) -> None:  # noqa: N802
        """Hand a cell's roles to the form model in one call (Qt's proxy would ask for them one by one)."""
        if index.isValid():
            self.sourceModel().multiData(self.mapToSource(index), roleDataSpan)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        row = self.sourceModel().row_at(source_row)
        if row is None:
            return True
        v = row.values
        if self.section and v.get("section") != self.section:
            return False
        if self.lead and self.lead not in (v.get("lead_units") or "").split("、"):
            return False
        if self.status and (v.get("status") or NO_STATUS) != self.status:
            return False
        if self.text:
            haystack = " ".join(str(v.get(k) or "") for k in ("no", "title", "target", "narrative", "lead_units"))
            return self.text.lower() in haystack.lower()
        return True


class TextBox(QPlainTextEdit):
    """A multi-line field of the detail panel; saves when it loses focus or on Ctrl+Enter."""

    committed = Signal(str, str)  # field key, text

    def __init__(self, key: str, parent=None) -> None:
        super().__init__(parent)
        self.key = key
        self.setTabChangesFocus(True)
        self._loaded = ""

    def load(self, text: str) -> None:
        """Show a stored text without treating it as an edit."""
        self._loaded = text
        self.setPlainText(text)

    def commit(self) -> None:
        """Hand the text over if it changed."""
        if self.toPlainText() != self._loaded and not self.isReadOnly():
            self._loaded = self.toPlainText()
            self.committed.emit(self.key, self._loaded)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.commit()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commit()
            return
        super().keyPressEvent(event)


class EntryPage(Page):
    """A form's rows for the reporting month: grid, lock banner, refusals, findings, undo."""

    form_id = ""
    detail_keys: tuple[str, ...] = ()  # long texts edited in the side panel
    hidden_keys: tuple[str, ...] = ()  # columns shown elsewhere on the page (a filter, the side panel)
    frozen_keys: tuple[str, ...] = ()  # leading columns that stay in view when scrolling right
    reopen_requested = Signal()

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.form = get_form(self.form_id)
        self.model = FormTableModel(self.form, self)
        self._last_month: dict[str, dict[str, object]] | None = None  # by row key, for the hint (上月 120)
        self.proxy = self.make_proxy()
        # Containers are put in place before they are filled, and the grid is made inside its splitter: with the
        # app-wide style sheet, every subtree moved into a new parent is restyled, and widgets already polished
        # are polished again (~7 ms of start-up when this page was assembled bottom-up).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(8)
        header, self.saved_label = page_header(tr(self.title), f"{self.form.form_code} · {self.form.title}")
        self.saved_label.setObjectName("SavedState")
        layout.addLayout(header)
        self.lock_banner = Banner()
        self.lock_banner.clicked.connect(self.reopen_requested)
        self.message = Banner()
        layout.addWidget(self.lock_banner)
        layout.addWidget(self.message)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        layout.addLayout(bar)
        self.build_toolbar(bar)
        bar.addStretch(1)
        self.carry_button = None
        if any(f.carry != "never" for f in self.form.input_fields):  # the form says what a month goes on from
            carried = "、".join(f.label for f in self.form.input_fields if f.carry != "never")
            yearly = "、".join(f.label for f in self.form.input_fields if f.carry == "within_year")
            tip = tr("把上月填写的{fields}带到本月还没有填写的行（可撤销）").format(fields=carried)
            if yearly:
                tip += tr("；{fields}是本年累计，一月不沿用").format(fields=yearly)
            self.carry_button = QPushButton(icon("carry"), tr("沿用上月"))
            self.carry_button.setToolTip(tip)
            self.carry_button.clicked.connect(self.carry_over)
            bar.addWidget(self.carry_button)
        self.undo_button = self._tool("undo", tr("撤销 (Ctrl+Z)"), self.model.undo_stack.undo)
        self.redo_button = self._tool("redo", tr("重做 (Ctrl+Y)"), self.model.undo_stack.redo)
        self.model.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.model.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)

        vertical = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(vertical, 1)
        horizontal = QSplitter(Qt.Orientation.Horizontal, vertical) if self.detail_keys else None
        self.table = EntryTable(horizontal or vertical)
        self.table.setModel(self.proxy or self.model)
        self.table.fit_columns()
        for key in self.hidden_keys:
            self.table.setColumnHidden(self.model.column_of(key), True)
        if self.frozen_keys:
            self.table.freeze_columns(max(self.model.column_of(k) for k in self.frozen_keys) + 1)
        self.model.saved.connect(self._on_saved)
        self.model.refused.connect(self._on_refused)
        self.model.findings_changed.connect(self._update_findings)
        self.table.outcome.connect(self._on_outcome)
        self.table.selectionModel().currentChanged.connect(self._on_current)
        self.model.modelReset.connect(lambda: self._on_current(self.table.currentIndex(), QModelIndex()))
        if horizontal is not None:
            self._build_detail(horizontal)
            horizontal.setStretchFactor(0, 3)
            horizontal.setStretchFactor(1, 1)
            horizontal.setSizes([900, 320])
        self.findings = QListWidget(vertical, objectName="Findings")
        self.findings.itemActivated.connect(self._jump_to_finding)
        self.findings.itemClicked.connect(self._jump_to_finding)
        vertical.setStretchFactor(0, 5)
        vertical.setStretchFactor(1, 1)
        vertical.setSizes([640, 72])

        foot = QHBoxLayout()
        layout.addLayout(foot)
        self.hint = QLabel(objectName="Hint")
        self.counts = QLabel(objectName="Hint")
        foot.addWidget(self.hint, 1)
        foot.addWidget(self.counts)

    # ---- building --------------------------------------------------------------------------------

    def make_proxy(self) -> QSortFilterProxyModel | None:
        """Return a filter over the model, or None."""
        return None

    def build_toolbar(self, bar: QHBoxLayout) -> None:
        """Add the page's own controls to the bar above the grid."""

    def _tool(self, name: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build_detail(self, splitter: QSplitter) -> QScrollArea:
        """Add the side panel of long texts to a splitter (scrolling, so small screens still reach every box)."""
        panel = QFrame(objectName="Card")
        scroll = scrolling(panel, splitter)  # in place before it is filled, as the grid
        scroll.setMinimumWidth(260)
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(12, 10, 12, 10)
        self.detail_title = QLabel(objectName="SectionTitle")
        self.detail_title.setWordWrap(True)
        self.detail_info = QLabel(objectName="Hint")
        self.detail_info.setWordWrap(True)
        self.detail_info.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.detail_title)
        outer.addWidget(self.detail_info)
        form = QFormLayout()
        outer.addLayout(form)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.detail_boxes: dict[str, TextBox] = {}
        for key in self.detail_keys:
            box = TextBox(key, panel)
            box.setMinimumHeight(58)
            box.committed.connect(self._detail_committed)
            self.detail_boxes[key] = box
            form.addRow(self.form.field(key).label, box)
        outer.addWidget(QLabel(tr("离开输入框或按 Ctrl+Enter 即保存"), objectName="Hint"))
        outer.addStretch(1)
        return scroll

    # ---- loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the reporting month; a locked month is read-only and says why."""
        # Whatever triggers the load (another month, F5, a lock), the rows about to be replaced still hold
        # the month being typed in: what is typed is saved there first, as leaving the cell or box would.
        self.commit_typing()
        s = self.session
        current = self.table.currentIndex()
        self._last_month = None
        if s.is_aggregating:
            # A district's (city's) forms are the sums of the units below it (reports.district): shown, not typed.
            from reports.district import district_form_rows

            period, form_id = s.period, self.form_id
            why = tr("本级数据由下级单位的报表汇总而来，只读；请在“汇总合并”中导入下级报表。")
            self.model.load(unit_code=s.unit_code, period=period, user=lambda: s.user, read_only_reason=why,
                            fetch=lambda: district_form_rows(period=period, form_id=form_id))
            self.lock_banner.show_message("info", why)
        else:
            reason = s.lock_reason()
            # Asked at each save: 操作人 changed in 设置 applies to pages already loaded.
            self.model.load(unit_code=s.unit_code, period=s.period, user=lambda: s.user, read_only_reason=reason)
            if reason:
                self.lock_banner.show_message("locked", reason, tr("退回修改…"))
            else:
                self.lock_banner.hide()
        self.message.hide()
        self.saved_label.setText("")
        if self.carry_button is not None:
            self.carry_button.setEnabled(self.model.editable)
            self.carry_button.setVisible(not s.is_aggregating)  # a district's forms are sums, never typed
        view_model = self.table.model()
        if view_model.rowCount():
            row = min(max(current.row(), 0), view_model.rowCount() - 1)
            col = current.column() if current.isValid() else self.model.column_of(self.model.first_input_key)
            self.table.setCurrentIndex(view_model.index(row, col))
        self.after_refresh()

    def after_refresh(self) -> None:
        """Update the page's own summaries after a load or a save."""

    def commit_typing(self) -> None:
        """Save the open cell editor and the side panel's text, as leaving them does."""
        self.table.commit_editor()
        for box in getattr(self, "detail_boxes", {}).values():
            box.commit()

    def carry_over(self) -> bool:
        """沿用上月: fill this month's untouched rows from last month's, as one undo step; True when saved."""
        from models.carry import carried_values

        s = self.session
        before = period_label(previous_period(s.period))
        values = carried_values(unit_code=s.unit_code, period=s.period, form_id=self.form_id)
        if not values:
            self.message.show_message("info", tr("没有可沿用的内容：{month}没有填写，或本月各行都已填写。").format(month=before))
            return False
        cells = [(self.model.row_of(key), field, value) for key, row in values.items() for field, value in row.items()]
        outcome = self.model.edit_cells(cells, text=tr("沿用上月"))
        if outcome.ok:
            self.message.show_message("info", tr("已把{month}的内容带到本月 {n} 行，请逐行核实、改成本月的情况（Ctrl+Z 可撤销）。")
                                      .format(month=before, n=len(values)))
        return outcome.ok

    # ---- reacting --------------------------------------------------------------------------------

    def _on_saved(self, text: str) -> None:
        self.saved_label.setText("✓ " + text)
        set_style_property(self.saved_label, "error", False)
        self.message.hide()
        self.status_message.emit(text)
        self.session.data_changed.emit(self)
        self.after_refresh()
        self._load_detail()

    def _on_refused(self, text: str) -> None:
        self.saved_label.setText(tr("未保存"))
        set_style_property(self.saved_label, "error", True)
        self.message.show_message("error", text)
        self.status_message.emit(text)

    def _on_outcome(self, outcome) -> None:
        if outcome.ok and outcome.message:
            self.message.show_message("info", outcome.message)

    def _update_findings(self) -> None:
        hard, soft = self.model.finding_counts()
        parts = []
        if hard:
            parts.append(tr("{n} 处错误").format(n=hard))
        if soft:
            parts.append(tr("{n} 处待说明").format(n=soft))
        self.counts.setText(" · ".join(parts) if parts else tr("本表没有发现问题"))
        tone = "error" if hard else ("warning" if soft else "ok")
        set_style_property(self.counts, "tone", tone)  # the one style sheet, not a sheet of its own to parse
        self.findings.clear()
        for r, f in self.model.findings():
            label = self.form.field(f.field).label if f.field else ""
            level = tr("错误") if f.level == "hard" else (tr("已说明") if f.explained else tr("请核实"))
            item = QListWidgetItem(icon("warning", "#c62828" if f.level == "hard" else "#e8a000", 16),
                                   tr("第{n}行").format(n=r + 1) + f" · {label} · {level}：{f.message}")
            item.setData(Qt.ItemDataRole.UserRole, (r, f.field or self.model.first_input_key))
            self.findings.addItem(item)
        self.findings.setVisible(self.findings.count() > 0)

    def _jump_to_finding(self, item: QListWidgetItem) -> None:
        r, key = item.data(Qt.ItemDataRole.UserRole)
        self.select_cell(r, key)

    def select_cell(self, source_row: int, key: str) -> None:
        """Make a cell of the model current (through the filter) and give the grid the focus."""
        index = self.model.index(source_row, self.model.column_of(key))
        if self.proxy is not None:
            index = self.proxy.mapFromSource(index)
            if not index.isValid():
                self.clear_filters()
                index = self.proxy.mapFromSource(self.model.index(source_row, self.model.column_of(key)))
        self.table.setCurrentIndex(index)
        self.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(index)
        self.table.setFocus()

    def clear_filters(self) -> None:
        """Show every row again."""

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            source = to_source(current)
            field = self.model.fields[source.column()]
            self.hint.setText(self.field_hint(field, self._last_month_text(field, source.row())))
        self._load_detail()

    def field_hint(self, field: Field, last_month: str = "") -> str:
        """Say what goes into a column: unit, last month's value, required, choices; computed columns are the program's."""
        if field.source == "computed":
            return tr("{label}：由程序计算，不能填写").format(label=field.label)
        if field.source == "row":
            return tr("{label}：来自工作方案，不能修改").format(label=field.label)
        parts = [field.label + (f"（{field.unit}）" if field.unit else ""), *filter(None, [last_month])]
        if field.required:
            parts.append(tr("必填"))
        if field.choices:
            parts.append(tr("可选：") + " / ".join(field.choices) + tr("（输入开头几个字即可）"))
        if field.type == "date":
            parts.append(tr("输入 5 即本月5日，10-5 即10月5日"))
        if field.min is not None:
            parts.append(tr("不小于 {n:g}").format(n=field.min))
        parts.append(tr("Enter 下移 · Tab 右移 · 可从 Excel 粘贴"))
        return " · ".join(parts)

    def _last_month_text(self, field: Field, source_row: int) -> str:
        """上月 120 beside a number the user types, so that a slipped digit shows before it is saved."""
        s = self.session
        if not (field.editable and field.numeric) or self.form.rows == "events" or s.is_aggregating:
            return ""
        if self._last_month is None:  # read on first use, again after each load (refresh clears it)
            from models.carry import last_month_values

            self._last_month = last_month_values(unit_code=s.unit_code, period=s.period, form_id=self.form_id)
        row = self.model.row_at(source_row)
        value = self._last_month.get(row.row_key, {}).get(field.key) if row else None
        return "" if value is None else tr("上月 {value}").format(value=self.model.display(field, value, row))

    # ---- detail panel ----------------------------------------------------------------------------

    def current_source_row(self) -> int:
        """The model row of the current cell (-1 when none)."""
        index = self.table.currentIndex()
        return to_source(index).row() if index.isValid() else -1

    def _load_detail(self) -> None:
        if not self.detail_keys:
            return
        row = self.model.row_at(self.current_source_row())
        first = self.model.first_input_key
        unexplained = [f.message for f in row.findings if f.level == "soft" and not f.explained] if row else []
        for key, box in self.detail_boxes.items():
            box.load(str(row.values.get(key) or "") if row else "")
            box.setReadOnly(row is None or not self.model.editable)
            found = [f for f in row.findings if (f.field or first) == key] if row else []
            asks = key == "explanation" and bool(unexplained) and not (row and row.values.get(key))
            state = "hard" if any(f.level == "hard" for f in found) else (
                "soft" if asks or any(f.level == "soft" and not f.explained for f in found) else "")
            set_style_property(box, "state", state)
            box.setToolTip("\n".join(f.message for f in found))
            box.setPlaceholderText(tr("请填写说明：") + "；".join(unexplained) if asks else
                                   (found[0].message if found else ""))
        self.describe_row(row)

    def describe_row(self, row) -> None:
        """Fill the detail panel's heading for a row."""

    def _detail_committed(self, key: str, text: str) -> None:
        r = self.current_source_row()
        if self.model.row_at(r) is not None:
            self.model.edit_cells([(r, key, text)], text=tr("编辑 {label}").format(label=self.form.field(key).label))


class TasksPage(EntryPage):
    """任务进展: the plan's numbered tasks, filterable, with status, achieved value and narrative."""

    title = QT_TRANSLATE_NOOP("", "任务进展")
    icon_name = "tasks"
    form_id = "tasks"
    detail_keys = ("narrative", "problems", "next_steps", "explanation")
    hidden_keys = ("section",)  # the 部分 filter and the side panel show it
    frozen_keys = ("no", "title")

    def make_proxy(self) -> QSortFilterProxyModel:
        proxy = TaskFilter(self)
        proxy.setSourceModel(self.model)
        return proxy

    def build_toolbar(self, bar: QHBoxLayout) -> None:
        self.section_box = QComboBox()
        self.lead_box = QComboBox()
        self.status_box = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索序号、任务、进展…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        for label, w in ((tr("部分"), self.section_box), (tr("牵头单位"), self.lead_box), (tr("状态"), self.status_box)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)  # before the size policy, which polishes the box (moved afterwards, polished again)
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            w.setMaximumWidth(280)
            w.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.search.returnPressed.connect(self.go_to_first_match)
        bar.addWidget(self.search)
        self.shown = QLabel(objectName="Hint")
        bar.addWidget(self.shown)

    def _fill_filters(self) -> None:
        rows = self.model.rows
        sections = list(dict.fromkeys(r.values["section"] for r in rows))
        leads = sorted({u for r in rows for u in (r.values.get("lead_units") or "").split("、") if u})
        statuses = [*self.form.field("status").choices, NO_STATUS]
        for box, everything, items in ((self.section_box, tr("全部"), sections), (self.lead_box, tr("全部"), leads),
                                       (self.status_box, tr("全部"), statuses)):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, "")
            for item in items:
                box.addItem(item, item)
            box.setCurrentIndex(max(box.findData(chosen), 0) if chosen else 0)
            box.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(section=self.section_box.currentData() or "", lead=self.lead_box.currentData() or "",
                              status=self.status_box.currentData() or "", text=self.search.text())
        self.shown.setText(tr("显示 {shown}/{total} 项").format(shown=self.proxy.rowCount(), total=len(self.model.rows)))

    def set_filters(self, *, section: str = "", lead: str = "", status: str = "", text: str = "") -> None:
        """Choose filters as a user would in the boxes above the grid."""
        for box, value in ((self.section_box, section), (self.lead_box, lead), (self.status_box, status)):
            box.setCurrentIndex(max(box.findData(value), 0))
        self.search.setText(text)

    def clear_filters(self) -> None:
        self.set_filters()

    def go_to_first_match(self) -> None:
        """Enter in the search box (Ctrl+F): go on in the grid, on the first task found, ready to type."""
        if not self.proxy.rowCount():
            return
        current = self.table.currentIndex()  # the filter keeps the columns: its column is the model's
        column = current.column() if current.isValid() and self.model.fields[current.column()].editable else (
            self.model.column_of(self.model.first_input_key))
        index = self.proxy.index(0, column)
        self.table.setCurrentIndex(index)
        self.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(index)
        self.table.setFocus()

    def refresh(self) -> None:
        super().refresh()
        self._fill_filters()
        self._apply_filter()

    def describe_row(self, row) -> None:
        if row is None:
            self.detail_title.setText(tr("选择一项任务"))
            self.detail_info.setText("")
            return
        v = row.values
        self.detail_title.setText(f"{v['no']}  {v['title']}")
        plan = self.session.plan
        task = plan.tasks[int(row.row_key) - 1] if plan and row.row_key.isdigit() else None
        section, lead, responsible, targets = tr("所属部分"), tr("牵头单位"), tr("责任单位"), tr("目标")
        lines = [f"<b>{section}</b>：{v['section']}", f"<b>{lead}</b>：{v.get('lead_units') or '—'}"]
        if task and task.responsible_units:
            lines.append(f"<b>{responsible}</b>：{'、'.join(task.responsible_units)}")
        if task and task.targets:
            lines.append(f"<b>{targets}</b>：<br>" + "<br>".join("· " + t.wording for t in task.targets))
        self.detail_info.setText("<br>".join(lines))


class EventsPage(EntryPage):
    """促消费活动: one line per event; a blank last line takes the next one."""

    title = QT_TRANSLATE_NOOP("", "促消费活动")
    icon_name = "events"
    form_id = "events"

    def build_toolbar(self, bar: QHBoxLayout) -> None:
        self.add_button = QPushButton(icon("add"), tr("新增活动"))
        self.add_button.setToolTip(tr("在末行输入新的活动 (Ctrl+N)"))
        self.add_button.clicked.connect(self.start_new_event)
        self.delete_button = QPushButton(icon("delete"), tr("删除所选活动"))
        self.delete_button.setToolTip(tr("删除选中的整行，可撤销 (Ctrl+Delete)"))
        self.delete_button.clicked.connect(self.delete_selected)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        self.goals = QLabel(objectName="Hint")
        self.goals.setTextFormat(Qt.TextFormat.RichText)
        bar.addSpacing(12)
        bar.addWidget(self.goals)
        QShortcut(QKeySequence("Ctrl+N"), self, self.start_new_event)
        QShortcut(QKeySequence("Ctrl+Delete"), self, self.delete_selected)

    def refresh(self) -> None:
        super().refresh()
        self.add_button.setEnabled(self.model.editable)
        self.delete_button.setEnabled(self.model.editable)

    def start_new_event(self) -> None:
        """Go to the blank last line and start typing the date."""
        if not self.model.has_blank_row:
            return
        index = self.model.index(self.model.rowCount() - 1, self.model.column_of(self.model.first_input_key))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()
        self.table.edit(index)

    def delete_selected(self) -> None:
        """Delete the events whose cells are selected (one undo step)."""
        rows = sorted({to_source(i).row() for i in self.table.selectedIndexes()} or {self.current_source_row()})
        rows = [r for r in rows if self.model.row_at(r) is not None]
        if rows and self.model.delete_rows(rows).ok:
            self.message.show_message("info", tr("已删除 {n} 场活动；按 Ctrl+Z 可撤销").format(n=len(rows)))

    def after_refresh(self) -> None:
        counts = events_by_type(self.session.unit_code, self.session.period, aggregate=self.session.is_aggregating)
        month = len(self.model.rows)
        parts = [tr("本月 {n} 场").format(n=month)]
        for goal in event_goals(self.session.plan, counts):
            colour = "#276738" if goal.met else "#8a5a00"
            held = tr("本年已办 {held}/{wanted}").format(held=goal.held, wanted=goal.min_count)
            parts.append(f"<span style='color:{colour}'>{goal.wording}：{held}</span>")
        self.goals.setText(" · ".join(parts))


class FiguresPage(EntryPage):
    """回收与以旧换新: the indicators of 表3; 本年累计, 同比 and progress are computed."""

    title = QT_TRANSLATE_NOOP("", "回收与以旧换新")
    icon_name = "figures"
    form_id = "figures"
    frozen_keys = ("indicator",)

    def build_toolbar(self, bar: QHBoxLayout) -> None:
        note = QLabel(tr("本期填当月数；2023年基数填一次即可，各月共用；灰色斜体栏由程序计算。"), objectName="Hint")
        bar.addWidget(note)
