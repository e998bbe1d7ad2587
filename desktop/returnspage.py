"""报表导出: check the month, export the return (open it or its folder), submit and reopen, past returns."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs
from desktop.dashboard_data import month_rows
from desktop.i18n import QT_TRANSLATE_NOOP, tr
from desktop.icons import icon
from desktop.ops import Op, show_error
from desktop.options import get_option, set_option
from desktop.widgets import Banner, Page, add_export_banner, page_header, scrolling, show_write_failed, show_written
from forms import FORM_IDS
from forms.validate import Finding
from models.entries import placed, reopen_period, submit_period
from models.errors import LiangxinError
from models.periods import period_label
from reports.returns import return_history


def default_export_dir() -> Path:
    """Where returns go unless the user chose a folder: 两新报表 in Documents, else the data folder."""
    from PySide6.QtCore import QStandardPaths

    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs:
        return Path(docs) / "两新报表"
    from models.database import data_dir

    return data_dir() / "exports"


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(objectName="Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    layout.addWidget(QLabel(title, objectName="SectionTitle"))
    return frame, layout


class ReturnsPage(Page):
    """The month's return: check, export, submit; a locked month can be reopened with a reason."""

    title = QT_TRANSLATE_NOOP("", "报表导出")
    icon_name = "returns"
    goto_finding = Signal(str, str, str)  # form id, row key, field key
    reopen_requested = Signal()

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.last_export: Path | None = None
        self.export_op: Op | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        header, self.state_label = page_header(tr(self.title))
        outer.addLayout(header)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)

        check, check_layout = _card(tr("1. 检查本月数据"))
        row = QHBoxLayout()
        self.check_button = QPushButton(icon("check"), tr("检查本月数据"))
        self.check_button.clicked.connect(self.check_month)
        self.check_result = QLabel(objectName="Hint")
        row.addWidget(self.check_button)
        row.addWidget(self.check_result, 1)
        check_layout.addLayout(row)
        self.findings = QListWidget(objectName="Findings")
        self.findings.setMaximumHeight(170)
        self.findings.itemActivated.connect(self._goto)
        self.findings.itemDoubleClicked.connect(self._goto)
        check_layout.addWidget(self.findings)
        layout.addWidget(check)

        export, export_layout = _card(tr("2. 导出 Excel 报表"))
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("保存到")))
        self.folder = QLineEdit()
        self.folder.setText(str(get_option("export_dir") or default_export_dir()))
        self.folder.editingFinished.connect(lambda: set_option("export_dir", self.folder.text().strip()))
        browse = QPushButton(icon("folder"), tr("选择…"))
        browse.clicked.connect(self._choose_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        export_layout.addLayout(row)
        row = QHBoxLayout()
        self.export_button = QPushButton(icon("export", "#ffffff"), tr("导出报表 (Ctrl+E)"))
        self.export_button.setProperty("primary", True)
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        row.addWidget(QLabel(tr("每次导出为新的版本（r1、r2…），文件中带有校验码，上级汇总时可识别修改。"), objectName="Hint"), 1)
        export_layout.addLayout(row)
        export_layout.addWidget(add_export_banner(self))
        layout.addWidget(export)

        submit, submit_layout = _card(tr("3. 报送"))
        self.submit_state = QLabel()
        self.submit_state.setWordWrap(True)
        submit_layout.addWidget(self.submit_state)
        row = QHBoxLayout()
        self.submit_button = QPushButton(icon("submit", "#ffffff"), tr("报送并锁定本月"))
        self.submit_button.setProperty("primary", True)
        self.submit_button.clicked.connect(self.submit)
        self.reopen_button = QPushButton(icon("unlock"), tr("退回修改…"))
        self.reopen_button.clicked.connect(self.reopen_requested)
        row.addWidget(self.submit_button)
        row.addWidget(self.reopen_button)
        row.addStretch(1)
        submit_layout.addLayout(row)
        self.submit_banner = Banner()
        submit_layout.addWidget(self.submit_banner)
        layout.addWidget(submit)

        history, history_layout = _card(tr("4. 已导出的报表"))
        self.history_card = history
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels([tr("版本"), tr("时间"), tr("文件"), tr("校验码"), tr("状态")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.setMinimumHeight(120)
        self.history_note = QLabel(objectName="Hint")
        history_layout.addWidget(self.history)
        history_layout.addWidget(self.history_note)
        layout.addWidget(history)
        layout.addStretch(1)

        outer.addWidget(scrolling(body), 1)

    # ---- refresh ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        reason = self.session.lock_reason()
        label = period_label(self.session.period)
        if reason:
            self.submit_state.setText(tr("🔒 {reason}").format(reason=reason))
        else:
            self.submit_state.setText(tr("{period}尚未报送。报送后本月锁定，不能再修改；如需修改须退回并说明理由（记入操作日志）。")
                                      .format(period=label))
        self.submit_button.setEnabled(not reason)
        self.reopen_button.setVisible(bool(reason))
        self.submit_banner.hide()
        self.check_month()
        self._fill_history()

    def check_month(self) -> list[tuple[str, Finding]]:
        """List every finding of the month, where it is (double-click one to go to its cell); return those that block
        submitting."""
        try:
            rows = month_rows(self.session.unit_code, self.session.period, aggregate=self.session.is_aggregating)
        except LiangxinError as exc:
            show_error(self, tr("检查"), exc)
            return []
        findings = placed(rows)  # an event is named by its line in the grid and its name, not its internal id
        self.findings.clear()
        hard = [(place, f) for place, f in findings if f.level == "hard"]
        soft = [(place, f) for place, f in findings if f.level == "soft" and not f.explained]
        order = {form_id: i for i, form_id in enumerate(FORM_IDS)}
        for place, f in sorted(findings, key=lambda pf: (pf[1].level != "hard", order.get(pf[1].form_id, 9))):
            level = tr("错误") if f.level == "hard" else (tr("已说明") if f.explained else tr("待说明"))
            colour = "#c62828" if f.level == "hard" else ("#6aa84f" if f.explained else "#e8a000")
            item = QListWidgetItem(icon("warning", colour, 16), f"{place} · {level}：{f.message}")
            item.setData(Qt.ItemDataRole.UserRole, (f.form_id, f.row_key, f.field))
            self.findings.addItem(item)
        self.findings.setVisible(bool(findings))
        self.findings.setFixedHeight(min(170, 8 + self.findings.sizeHintForRow(0) * len(findings)) if findings else 0)
        # Only what there is to do: "0 处错误须改正" in red in the page's header said there was something.
        todo = [tr("{n} 处错误须改正").format(n=len(hard))] if hard else []
        todo += [tr("{n} 处须填写说明").format(n=len(soft))] if soft else []
        if todo and self.session.is_aggregating:
            # A district's figures are its townships' sums, read-only here, and they do not stop its own submission:
            # only the township can correct or explain them, so say that instead of "改好后才能报送".
            found = [tr("{n} 处错误").format(n=len(hard))] if hard else []
            found += [tr("{n} 处核实问题未说明").format(n=len(soft))] if soft else []
            todo = [tr("下级报表中有 {found}").format(found="、".join(found))]
            text = todo[0] + tr("，须由填报单位改正或说明后重报（可在“汇总合并”中退回）。双击一条可查看对应单元格。")
            self.check_result.setStyleSheet("color: #8a5a00;")
        elif todo:
            text = tr("，").join(todo) + tr("，改好后才能报送。双击一条可跳到对应单元格。")
            self.check_result.setStyleSheet("color: #c62828;")
        else:
            text = tr("检查通过，可以导出和报送。")
            self.check_result.setStyleSheet("color: #276738;")
        self.check_result.setText(text)
        self.state_label.setText(tr("，").join(todo) or text.split(tr("，"))[0])
        self.state_label.setStyleSheet(self.check_result.styleSheet())
        return hard + soft

    def _goto(self, item: QListWidgetItem) -> None:
        self.goto_finding.emit(*item.data(Qt.ItemDataRole.UserRole))

    def _fill_history(self) -> None:
        records = return_history(unit_code=self.session.unit_code, period=self.session.period)
        self.history.setRowCount(0)
        self.history_note.setText("" if records else tr("本月还没有导出过报表。"))
        for rec in records:
            r = self.history.rowCount()
            self.history.insertRow(r)
            cells = [f"r{rec.revision}", f"{rec.created_at:%Y-%m-%d %H:%M}", rec.file_name, rec.content_hash[:12],
                     {"current": tr("当前"), "superseded": tr("已被新版本取代")}.get(rec.status, rec.status)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setToolTip(rec.content_hash)
                self.history.setItem(r, c, item)
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    # ---- actions ---------------------------------------------------------------------------------

    def _choose_folder(self) -> None:
        folder = dialogs.choose_folder(self, tr("报表保存到"), self.folder.text())
        if folder:
            self.folder.setText(folder)
            set_option("export_dir", folder)

    def export(self) -> Op:
        """Export the month's return off the GUI thread (a district's: the sums of its townships)."""
        out_dir = Path(self.folder.text().strip() or default_export_dir())
        self.export_button.setEnabled(False)
        self.export_op = export_return_op(self, self.session, out_dir, self._exported, self._export_failed)
        return self.export_op

    def _exported(self, result) -> None:
        self.export_button.setEnabled(True)
        show_written(self, result.path, describe_export(result))
        self.status_message.emit(tr("已导出 {name}").format(name=self.last_export.name))
        self._fill_history()

    def _export_failed(self, exc) -> None:
        self.export_button.setEnabled(True)
        show_write_failed(self, exc)

    def submit(self) -> bool:
        """Submit and lock the month; refused while errors or unexplained warnings remain."""
        label = period_label(self.session.period)
        # Checked before asking, so that the clerk is not asked to confirm what will be refused, and is told where
        # in the grid's words (the core's refusal names an event by its internal id).
        blocking = [] if self.session.is_aggregating else self.check_month()
        if blocking:
            place, first = blocking[0]
            more = tr("（另有 {n} 处）").format(n=len(blocking) - 1) if len(blocking) > 1 else ""
            todo = "" if first.level == "hard" else tr("，请在“说明”中解释")
            self.submit_banner.show_message("error", tr("未能报送：{place}：{message}{todo}{more}。双击上方列表中的一条可跳到对应单元格。")
                                            .format(place=place, message=first.message, todo=todo,
                                                    more=more))
            return False
        if not dialogs.confirm(self, tr("报送"), tr("报送后{period}的数据将锁定，不能再修改。确定报送吗？").format(period=label)):
            return False
        try:
            submit_period(unit_code=self.session.unit_code, period=self.session.period, user=self.session.user)
        except LiangxinError as exc:
            self.submit_banner.show_message("error", tr("未能报送：{error}").format(error=exc))
            return False
        self.session.lock_changed.emit()
        self.submit_banner.show_message("ok", tr("{period}已报送并锁定。").format(period=label))
        self.status_message.emit(tr("{period}已报送").format(period=label))
        return True


def export_return_op(parent, session, out_dir: Path, success, failure) -> Op:
    """Export the month off the GUI thread: the unit's own return, or a district's summary of its townships."""
    unit, period, user = session.unit_code, session.period, session.user
    aggregate = session.is_aggregating

    def work(progress):
        progress.report(0, 1, tr("正在导出 {period} 报表…").format(period=period_label(period)))
        if aggregate:
            from reports.summary import write_summary

            return write_summary(period=period, out_dir=out_dir, user=user)
        from reports.returns import export_return

        return export_return(unit_code=unit, period=period, out_dir=out_dir, user=user)

    return Op(parent, work, title=tr("导出报表"), success=success, failure=failure, cancellable=False).run_in_background()


def describe_export(result) -> str:
    """Say what an export wrote: revision, file, and what to watch (open findings, townships missing)."""
    text = tr("已导出第 {rev} 版：{path}").format(rev=result.revision, path=result.path)
    if hasattr(result, "included"):
        text += tr("（汇总 {n} 个单位").format(n=len(result.included))
        if result.sent_back:
            text += tr("，其中 {n} 个已退回、暂用退回前的数据").format(n=len(result.sent_back))
        text += (tr("，{n} 个未报）").format(n=len(result.missing)) if result.missing else tr("）"))
    elif result.hard_findings or result.soft_findings:
        text += tr("（注意：仍有 {hard} 处错误、{soft} 处待说明）").format(hard=result.hard_findings,
                                                             soft=result.soft_findings)
    return text


def reopen_month(parent, session) -> bool:
    """Ask for a reason and reopen the locked month; the reason goes to the audit log."""
    label = period_label(session.period)
    reason = dialogs.ask_reason(parent, tr("退回修改"),
                                tr("退回{period}的报表以便修改。请填写理由（将记入操作日志）：").format(period=label))
    if not reason:
        return False
    try:
        reopen_period(unit_code=session.unit_code, period=session.period, reason=reason, user=session.user)
    except LiangxinError as exc:
        show_error(parent, tr("退回修改"), exc)
        return False
    session.lock_changed.emit()
    return True
