"""汇总合并 (district and city): drop returned files, dry run first, verdicts with reasons, conflicts,
completeness of the townships, what changed since last month (较上月变化), and the district's own return."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs
from desktop.changespanel import ChangesPanel
from desktop.dashboard_data import form_short_names
from desktop.i18n import QT_TRANSLATE_NOOP, tr
from desktop.icons import icon
from desktop.ops import Op, show_error
from desktop.options import get_option, set_option
from desktop.style import repolish
from desktop.widgets import Banner, Page, add_export_banner, page_header, scrolling, show_write_failed, show_written
from models.errors import DataError, LiangxinError
from models.periods import period_label
from reports.merge_files import return_files

VERDICT_COLOURS = {"accepted": "#276738", "replaced": "#1f5fa8", "duplicate": "#6b7a8c", "conflict": "#b36b00",
                   "rejected": "#c62828"}
WATCH_COLOUR = "#b36b00"
# Flags the reviewer must act on (check with the township, or send the return back), in a few words for the
# 结论 and 备注 columns; the full sentence is among the file's reasons and in the cell's tip.
WATCH_FLAGS = {"edited_after_export": QT_TRANSLATE_NOOP("", "导出后被修改"),
               "unexplained": QT_TRANSLATE_NOOP("", "核实问题未说明")}


def _merge_module():
    """The core's merge (reports/merge.py), imported when first used."""
    from reports import merge

    return merge


def shown_reasons(res) -> list[str]:
    """A file's reasons as the merge page shows them: the file is named in its own column, not again in each reason;
    an edit made after export comes first, where the column is not cut off (it is the one the reviewer must check)."""
    name = Path(res.file).name
    prefixes = (f"{name}:", f"{name}：")
    reasons = [r[len(name) + 1:].lstrip() if r.startswith(prefixes) else r for r in res.reasons]
    edited = getattr(_merge_module(), "FLAG_LABELS", {}).get("edited_after_export")
    if "edited_after_export" in res.flags and edited in reasons:
        reasons.remove(edited)
        reasons.insert(0, edited)
    return reasons


def verdict_words(res, labels: dict[str, str]) -> str:
    """The verdict as the 结论 column shows it: 已接收, 已接收（导出后被修改） when the file was edited after export,
    待确认加入 for a unit not yet on this unit's list."""
    text = tr(labels.get(res.verdict, res.verdict))
    if res.verdict != "rejected" and "edited_after_export" in res.flags:
        text += tr("（{flag}）").format(flag=tr(WATCH_FLAGS["edited_after_export"]))
    if "unknown_unit" in res.flags:
        text = tr("待确认加入")
    return text


class DropZone(QFrame):
    """Accepts returned workbooks or folders dropped from Explorer or an e-mail client."""

    dropped = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        label = QLabel(tr("把镇街报来的 Excel 报表（或整个文件夹）拖到这里"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size: 12pt; color: #4a5868;")
        layout.addWidget(label)
        self.setMinimumHeight(84)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            self.setProperty("active", True)
            repolish(self)

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self.setProperty("active", False)
        repolish(self)

    def dropEvent(self, event) -> None:  # noqa: N802
        self.setProperty("active", False)
        repolish(self)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)


class MergePage(Page):
    """Merging the returns of the units below this one."""

    title = QT_TRANSLATE_NOOP("", "汇总合并")
    icon_name = "merge"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.files: list[Path] = []
        self.results: list = []
        self.lines: list = []  # the completeness report's lines, one per unit below
        self.last_export: Path | None = None
        self.op: Op | None = None
        self.last_was_dry_run = False
        self._pending: dict[str, object] = {}  # the conflicts shown, by the held copy's uuid
        self._unit_names: dict[str, str] = {}  # the units below this one, code -> name
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        header, self.summary = page_header(tr(self.title))
        self.summary.setObjectName("Hint")
        outer.addLayout(header)
        self.body = body = QWidget()  # the page below its header, scrolled (the screenshot grabs it whole)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)

        self.drop = DropZone()
        self.drop.dropped.connect(self.add_files)
        layout.addWidget(self.drop)
        row = QHBoxLayout()
        choose_files = QPushButton(icon("returns"), tr("选择文件…"))
        choose_files.clicked.connect(self._choose_files)
        choose_folder = QPushButton(icon("folder"), tr("选择文件夹…"))
        choose_folder.clicked.connect(self._choose_folder)
        clear = QPushButton(tr("清空列表"))
        clear.clicked.connect(self.clear_files)
        self.file_count = QLabel(objectName="Hint")
        for w in (choose_files, choose_folder, clear):
            row.addWidget(w)
        row.addWidget(self.file_count, 1)
        self.dry_button = QPushButton(icon("check"), tr("预检（不保存）"))
        self.dry_button.clicked.connect(lambda: self.run_merge(dry_run=True))
        self.merge_button = QPushButton(icon("merge", "#ffffff"), tr("汇总入库"))
        self.merge_button.setProperty("primary", True)
        self.merge_button.clicked.connect(lambda: self.run_merge(dry_run=False))
        row.addWidget(self.dry_button)
        row.addWidget(self.merge_button)
        layout.addLayout(row)
        self.file_list = QListWidget()
        self.file_list.setMaximumHeight(90)
        self.file_list.hide()
        layout.addWidget(self.file_list)
        self.banner = Banner()
        layout.addWidget(self.banner)

        layout.addWidget(QLabel(tr("检查结果"), objectName="SectionTitle"))
        self.verdicts = QTableWidget(0, 6)
        self.verdicts.setObjectName("Verdicts")
        self.verdicts.setHorizontalHeaderLabels([tr("文件"), tr("填报单位"), tr("报告期"), tr("版本"), tr("结论"), tr("原因")])
        self.verdicts.verticalHeader().hide()
        self.verdicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verdicts.setWordWrap(False)
        self.verdicts.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.verdicts.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.verdicts.setMinimumHeight(150)
        self.verdicts.currentCellChanged.connect(lambda row, *_: self._show_reasons(row))
        layout.addWidget(self.verdicts)
        self.reasons = QLabel(objectName="Hint")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reasons)
        self.confirm_units_button = QPushButton(icon("add"), tr("确认加入并汇总…"))
        self.confirm_units_button.setToolTip(tr("核实这些单位确是本单位新的下级单位后，把它们加入名单并汇总其报表"))
        self.confirm_units_button.clicked.connect(self.confirm_new_units)
        self.confirm_units_button.hide()
        layout.addWidget(self.confirm_units_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.conflict_title = QLabel(tr("待决冲突"), objectName="SectionTitle")
        layout.addWidget(self.conflict_title)
        self.conflicts = QTableWidget(0, 4)
        self.conflicts.setObjectName("Conflicts")
        self.conflicts.setHorizontalHeaderLabels([tr("填报单位"), tr("报告期"), tr("收到的文件"), tr("处理")])
        self.conflicts.verticalHeader().hide()
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.conflicts.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.conflicts)
        # What a decision (a conflict, 退回) did, beside the tables it changed: the banner at the top of the page is
        # scrolled out of view by then.
        self.review_banner = Banner()
        layout.addWidget(self.review_banner)

        complete_row = QHBoxLayout()
        complete_row.addWidget(QLabel(tr("报送情况"), objectName="SectionTitle"))
        complete_row.addStretch(1)
        self.reopen_button = QPushButton(icon("unlock"), tr("退回所选单位…"))
        self.reopen_button.setToolTip(tr("把已接收的报表退回该单位修改，其下一份报表将替换它"))
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.template_button = QPushButton(icon("template"), tr("导出所选单位的空白模板"))
        self.template_button.setToolTip(tr("给没有安装本程序的单位：在 Excel 或 WPS 中填写后交回，与其他报表一样汇总"))
        self.template_button.clicked.connect(self.export_template_for_selected)
        self.export_button = QPushButton(icon("export"), tr("导出本级汇总报表"))
        self.export_button.clicked.connect(self.export_own_return)
        complete_row.addWidget(self.reopen_button)
        complete_row.addWidget(self.template_button)
        complete_row.addWidget(self.export_button)
        layout.addLayout(complete_row)
        # The export's outcome beside its button (the banner at the top may be scrolled out of view), with the
        # file and its folder one click away, as on 报表导出.
        layout.addWidget(add_export_banner(self))
        self.completeness = QTableWidget(0, 0)
        self.completeness.setObjectName("Completeness")
        self.completeness.verticalHeader().hide()
        self.completeness.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.completeness.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.completeness.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.completeness.currentCellChanged.connect(lambda *_: self._update_reopen())
        layout.addWidget(self.completeness)
        # What changed since last month, beside who has reported: a line per township, opened to its changes.
        self.changes = ChangesPanel()
        layout.addWidget(self.changes)
        layout.addStretch(1)

        outer.addWidget(scrolling(body), 1)
        self._update_buttons()

    # ---- files -----------------------------------------------------------------------------------

    def add_files(self, paths: list) -> None:
        """Add dropped or chosen files and folders to the list to merge."""
        # The core's expansion, as `liangxin merge` does it: a file named as it is stays in (the merge says why it
        # refuses an .xls), folders give their .xlsx/.xls/.et, and a folder with no return in it is refused.
        try:
            found = return_files(paths)
        except DataError as exc:
            self.banner.show_message("error", str(exc))
            return
        self.files = list(dict.fromkeys([*self.files, *found]))
        self.file_list.clear()
        self.file_list.addItems([str(f) for f in self.files])
        self.file_list.show()
        self.banner.show_message("info", tr("已加入 {n} 个文件。先“预检”看结论，确认无误再“汇总入库”。").format(n=len(found)))
        self._update_buttons()

    def clear_files(self) -> None:
        """Empty the list of files."""
        self.files = []
        self.file_list.clear()
        self.file_list.hide()
        self.verdicts.setRowCount(0)
        self.results = []
        self.confirm_units_button.hide()
        self.banner.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.file_count.setText(tr("{n} 个文件待处理").format(n=len(self.files)) if self.files else tr("尚未选择文件"))
        busy = self.op is not None and not self.op.done
        self.dry_button.setEnabled(bool(self.files) and not busy)
        self.merge_button.setEnabled(bool(self.files) and not busy)
        self.confirm_units_button.setEnabled(not busy)

    def _choose_files(self) -> None:
        files = dialogs.choose_files(self, tr("选择报表文件"), str(get_option("merge_dir") or ""))
        if files:
            set_option("merge_dir", str(Path(files[0]).parent))
            self.add_files(files)

    def _choose_folder(self) -> None:
        folder = dialogs.choose_folder(self, tr("选择报表所在文件夹"), str(get_option("merge_dir") or ""))
        if folder:
            set_option("merge_dir", folder)
            self.add_files([folder])

    # ---- merging ---------------------------------------------------------------------------------

    def run_merge(self, *, dry_run: bool, files: list | None = None, confirm_units: bool = False) -> Op | None:
        """Check (dry run) or merge the files off the GUI thread, with a cancellable progress dialog.

        files: only these (their new verdicts replace theirs among the results shown); confirm_units: units not
        yet among this unit's own are added, as the reviewer confirmed.
        """
        only = files is not None
        files = list(files if only else self.files)
        if not files:
            return None
        merge = _merge_module()
        user = self.session.user
        self.review_banner.hide()  # it told of a decision on the results about to be replaced

        def work(progress):
            return merge.merge(files, dry_run=dry_run, user=user, confirm_unknown_units=confirm_units,
                               progress=lambda done, total, name: progress.update(done, total, name))

        def done(results) -> None:
            if only:
                by_file = {res.file: res for res in results}
                results = [by_file.pop(res.file, res) for res in self.results] + list(by_file.values())
            self.results = results
            self.last_was_dry_run = dry_run
            self._show_results(results, dry_run)
            self._update_buttons()
            if not dry_run:
                self.session.data_changed.emit(self)
                self.refresh()

        def failed(exc) -> None:
            self._update_buttons()
            cancelled = isinstance(exc, getattr(merge, "MergeCancelled", ()))
            self.banner.show_message("info" if cancelled else "error", str(exc))

        self.op = Op(self, work, title=tr("预检报表") if dry_run else tr("汇总入库"), success=done, failure=failed)
        self.op.finished.connect(self._update_buttons)
        self.op.run_in_background()
        self._update_buttons()
        return self.op

    def _show_results(self, results: list, dry_run: bool) -> None:
        labels = getattr(_merge_module(), "VERDICT_LABELS", {})
        self.verdicts.setRowCount(len(results))
        counts: dict[str, int] = {}
        for r, res in enumerate(results):
            counts[res.verdict] = counts.get(res.verdict, 0) + 1
            # amber: taken but to be checked (edited after export), or waiting for the reviewer (a unit to confirm)
            watch = (res.verdict != "rejected" and "edited_after_export" in res.flags) or "unknown_unit" in res.flags
            cells = [Path(res.file).name, f"{res.unit_name}（{res.unit_code}）" if res.unit_code else "—",
                     period_label(res.period) if res.period else "—", f"r{res.revision}" if res.revision else "—",
                     verdict_words(res, labels), "；".join(shown_reasons(res)) or "—"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(shown_reasons(res)) if c in (4, 5) else (res.file if c == 0 else ""))
                if c == 4:
                    item.setForeground(QColor(WATCH_COLOUR if watch else VERDICT_COLOURS.get(res.verdict, "#1e2a38")))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.verdicts.setItem(r, c, item)
        self.verdicts.resizeColumnsToContents()
        self.verdicts.setColumnWidth(0, min(self.verdicts.columnWidth(0), 360))
        self.verdicts.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.verdicts.setMinimumHeight(min(360, 40 + 30 * len(results)))
        first_bad = next((i for i, res in enumerate(results) if res.verdict in ("rejected", "conflict")), 0)
        self.verdicts.setCurrentCell(first_bad, 0) if results else None
        self._show_reasons(first_bad)
        summary = tr("，").join(f"{tr(labels.get(k, k))} {n}" for k, n in counts.items())
        edited = sum(1 for res in results if res.verdict != "rejected" and "edited_after_export" in res.flags)
        if edited:
            summary += tr("；其中 {n} 个文件导出后被修改过，请与填报单位核实").format(n=edited)
        unknown = sum(1 for res in results if "unknown_unit" in res.flags)
        self.confirm_units_button.setText(tr("确认加入 {n} 个新的下级单位并汇总…").format(n=unknown))
        self.confirm_units_button.setVisible(bool(unknown))
        if unknown:
            summary += tr("；{n} 个单位不在下级单位名单中，核实后可确认加入").format(n=unknown)
        if dry_run:
            self.banner.show_message("info", tr("预检完成（未保存）：{summary}。确认无误后点“汇总入库”。").format(summary=summary))
        else:
            self.banner.show_message("ok", tr("汇总完成：{summary}。").format(summary=summary))

    def confirm_new_units(self) -> Op | None:
        """Add the units of files refused as not yet among this unit's own, once the reviewer confirms, and merge them."""
        unknown = [res for res in self.results if "unknown_unit" in res.flags]
        if not unknown:
            return None
        names = "\n".join(f"· {res.unit_name or res.unit_code}（{res.unit_code}）：{Path(res.file).name}" for res in unknown)
        question = tr("以下单位不在本单位的下级单位名单中：\n{names}\n\n请先核实它们确是本单位新的下级单位（如新设的街道）。"
                      "确认后它们加入名单（记入操作日志），报表随之汇总入库；报表有问题的不会加入。").format(names=names)
        if not dialogs.confirm(self, tr("确认加入新的下级单位"), question):
            return None
        return self.run_merge(dry_run=False, files=[res.file for res in unknown], confirm_units=True)

    def _show_reasons(self, row: int) -> None:
        """Show every reason of the selected file under the table (file, sheet and cell)."""
        if not 0 <= row < len(self.results):
            self.reasons.setText("")
            return
        res = self.results[row]
        self.reasons.setText(f"{Path(res.file).name}：\n" + ("\n".join(f"· {r}" for r in shown_reasons(res)) or "—"))

    # ---- conflicts -------------------------------------------------------------------------------

    def _fill_conflicts(self, names: dict[str, str]) -> None:
        try:
            pending = _merge_module().pending_conflicts(period=self.session.period)
        except (ImportError, AttributeError):
            pending = []
        self._pending = {rec.uuid: rec for rec in pending}
        self._unit_names = names
        self.conflicts.setRowCount(len(pending))
        for r, rec in enumerate(pending):
            code = str(rec.unit_id)
            unit = f"{names[code]}（{code}）" if names.get(code) else code
            received = self._conflict_result(rec)  # this merge's verdict on the file: what differs from the held data
            for c, text in enumerate([unit, period_label(rec.period), rec.file_name or rec.uuid]):
                item = QTableWidgetItem(text)
                if received is not None:
                    item.setToolTip("\n".join(shown_reasons(received)))
                self.conflicts.setItem(r, c, item)
            buttons = QWidget()
            row = QHBoxLayout(buttons)
            row.setContentsMargins(2, 0, 2, 0)
            take = QPushButton(tr("采用新的"))
            keep = QPushButton(tr("保留原有"))
            take.clicked.connect(lambda _=False, u=rec.uuid: self.resolve(u, take_new=True))
            keep.clicked.connect(lambda _=False, u=rec.uuid: self.resolve(u, take_new=False))
            row.addWidget(take)
            row.addWidget(keep)
            self.conflicts.setCellWidget(r, 3, buttons)
        self.conflicts.resizeColumnsToContents()
        self.conflicts.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # as tall as its rows (it stood a hand's breadth of empty white under one conflict), up to about ten
        rows = self.conflicts.verticalHeader().length() if pending else 0
        self.conflicts.setFixedHeight(min(360, rows + self.conflicts.horizontalHeader().sizeHint().height()
                                          + 2 * self.conflicts.frameWidth() + 2))
        self.conflicts.setVisible(bool(pending))
        self.conflict_title.setText(tr("待决冲突（{n}）").format(n=len(pending)) if pending else tr("待决冲突：无"))

    def _conflict_result(self, rec):
        """The shown verdict on the file a conflict record was made from, if it is among the results."""
        return next((res for res in self.results if res.verdict == "conflict" and res.unit_code == str(rec.unit_id)
                     and res.period == rec.period and Path(res.file).name == rec.file_name), None)

    def resolve(self, return_uuid: str, *, take_new: bool) -> bool:
        """Decide a conflict with a reason (audited); the question says whose return, which file and what happens."""
        rec = self._pending.get(return_uuid)
        code = str(rec.unit_id) if rec is not None else ""
        words = {"name": self._unit_names.get(code) or code, "code": code,
                 "period": period_label(rec.period) if rec is not None else "",
                 "file": (rec.file_name or rec.uuid) if rec is not None else return_uuid}
        if take_new:
            title = tr("采用新的报表")
            question = tr("采用新收到的“{file}”，替换 {name}（{code}）{period}已接收的数据（原有数据留在历史中）。")
            done = tr("已采用新收到的“{file}”：{name} {period}的数据已替换。")
        else:
            title = tr("保留原有报表")
            question = tr("保留 {name}（{code}）{period}已接收的数据，不采用新收到的“{file}”。")
            done = tr("已保留 {name} {period}原有的数据，未采用“{file}”。")
        reason = dialogs.ask_reason(self, title, question.format(**words) + "\n" + tr("请说明理由（记入操作日志）："))
        if not reason:
            return False
        try:
            _merge_module().resolve_conflict(return_uuid=return_uuid, take_new=take_new, user=self.session.user,
                                             reason=reason)
        except LiangxinError as exc:
            show_error(self, title, exc)
            return False
        decided = self._conflict_result(rec) if rec is not None else None
        if decided is not None:  # 检查结果 no longer says 待审核员决定 for it
            item = self.verdicts.item(self.results.index(decided), 4)
            item.setText(tr("冲突已决定：采用新的") if take_new else tr("冲突已决定：保留原有"))
            item.setForeground(QColor(VERDICT_COLOURS["replaced" if take_new else "duplicate"]))
        self.session.data_changed.emit(self)
        self.refresh()
        self.review_banner.show_message("ok", done.format(**words))
        return True

    # ---- completeness and the own return ------------------------------------------------------------

    def refresh(self) -> None:
        from reports.changes import month_changes
        from reports.completeness import STATE_LABELS, completeness, summary_line

        report = completeness(period=self.session.period)
        self.changes.show_report(month_changes(period=self.session.period))
        self._fill_conflicts({u.unit_code: u.unit_name for u in report.units})
        self.lines = report.units
        forms = form_short_names()
        headers = [tr("单位"), tr("代码"), *forms.values(), tr("报送情况"), tr("收到时间"), tr("版本"), tr("备注")]
        grid = self.completeness
        grid.setColumnCount(len(headers))
        grid.setHorizontalHeaderLabels(headers)
        grid.setRowCount(len(report.units))
        for r, u in enumerate(report.units):
            if u.state == "reopened":
                per_form = [tr("退回")] * len(forms)
            else:
                per_form = [tr("已报") if f in u.forms else tr("未报") for f in forms]
            notes = [tr("逾期未报") if u.overdue else "", tr("迟报") if u.late else "",
                     *[tr(words) for flag, words in WATCH_FLAGS.items() if flag in u.flags],
                     tr("{n} 个冲突").format(n=u.conflicts) if u.conflicts else "",
                     tr("被拒收 {n} 次").format(n=len(u.rejections)) if u.rejections else "",
                     tr("退回理由：{reason}").format(reason=u.reopen_reason) if u.reopen_reason else ""]
            cells = [u.unit_name, u.unit_code, *per_form, tr(STATE_LABELS.get(u.state, u.state)),
                     f"{u.received_at:%m-%d %H:%M}" if u.received_at else "—", f"r{u.revision}" if u.revision else "—",
                     tr("；").join(n for n in notes if n)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= c < 2 + len(forms) + 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    good = text == tr("已报")
                    warn = text in (tr("退回"), tr(STATE_LABELS["reopened"]), tr(STATE_LABELS["conflict"]))
                    colour = "#276738" if good else ("#8a5a00" if warn else "#c62828")
                    item.setForeground(QColor(colour))
                    item.setBackground(QColor("#eef7e9" if good else ("#fff3c9" if warn else "#fdecea")))
                if c == len(cells) - 1:  # the core's full sentences, and why the last file was refused
                    item.setToolTip(self._notes_tip(u))
                    if any(flag in u.flags for flag in WATCH_FLAGS):
                        item.setForeground(QColor(WATCH_COLOUR))
                grid.setItem(r, c, item)
        grid.resizeColumnsToContents()
        # 备注 takes the spare width (a reopen reason or a flag is what the reviewer reads there), not 单位,
        # which left 备注 cut off at the right edge; what does not fit is in the cell's tip.
        header = grid.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        grid.setMinimumHeight(min(420, grid.verticalHeader().length() + grid.horizontalHeader().height() + 6))
        self.summary.setText(summary_line(report))
        self._update_reopen()

    @staticmethod
    def _notes_tip(line) -> str:
        lines = [n for n in line.notes() if not n.startswith("拒收：")]  # the refusal in full below
        for rejection in line.rejections[-1:]:
            lines += [tr("最近一次拒收的文件：{file}").format(file=rejection.file), *rejection.reasons]
        return "\n".join(lines)

    def _update_reopen(self) -> None:
        row = self.completeness.currentRow()
        self.reopen_button.setEnabled(0 <= row < len(self.lines) and self.lines[row].state == "returned")
        self.template_button.setEnabled(0 <= row < len(self.lines))

    def export_template_for_selected(self) -> Op | None:
        """Write the month's blank template for the selected unit, for one without the program to fill by hand."""
        from desktop.returnspage import default_export_dir

        row = self.completeness.currentRow()
        if not 0 <= row < len(self.lines):
            return None
        line, period = self.lines[row], self.session.period
        out_dir = Path(get_option("export_dir") or default_export_dir())

        def work(progress):
            from reports.xlsx_template import export_template

            progress.report(0, 1, tr("正在导出 {name} 的空白模板…").format(name=line.unit_name))
            return export_template(unit_code=line.unit_code, period=period, out_dir=out_dir)

        def done(path) -> None:
            show_written(self, path, tr("已导出 {name}{period}的空白模板：{path}。发给该单位在 Excel 或 WPS 中填写，"
                                        "交回后在本页汇总。").format(name=line.unit_name, period=period_label(period),
                                                                 path=path))

        self.op = Op(self, work, title=tr("导出空白模板"), success=done, failure=lambda exc: show_write_failed(self, exc),
                     cancellable=False).run_in_background()
        return self.op

    def export_own_return(self) -> Op:
        """Export this unit's return for the month: the sums of the units below it (reports.summary)."""
        from desktop.returnspage import default_export_dir, describe_export, export_return_op

        out_dir = Path(get_option("export_dir") or default_export_dir())
        self.export_button.setEnabled(False)  # one export at a time: a second click would write the next revision

        def done(result) -> None:
            self.export_button.setEnabled(True)
            show_written(self, result.path, describe_export(result))
            self.status_message.emit(tr("已导出 {name}").format(name=self.last_export.name))

        def failed(exc) -> None:
            self.export_button.setEnabled(True)
            show_write_failed(self, exc)

        self.op = export_return_op(self, self.session, out_dir, done, failed)
        return self.op

    def reopen_selected(self) -> bool:
        """Send the selected unit's accepted return back (退回), with a reason; its next file replaces it."""
        row = self.completeness.currentRow()
        if row < 0 or row >= len(self.lines):
            return False
        line = self.lines[row]
        reason = dialogs.ask_reason(self, tr("退回报表"), tr("退回 {name} {period} 的报表，请说明理由（记入操作日志）：").format(
            name=line.unit_name, period=period_label(self.session.period)))
        if not reason:
            return False
        try:
            _merge_module().reopen_return(unit_code=line.unit_code, period=self.session.period, reason=reason,
                                          user=self.session.user)
        except LiangxinError as exc:
            self.review_banner.show_message("error", str(exc))
            return False
        self.review_banner.show_message("ok", tr("已退回 {name} {period}的报表，等待其重新报送；收到的下一份报表将替换它。").format(
            name=line.unit_name, period=period_label(self.session.period)))
        self.refresh()
        return True
