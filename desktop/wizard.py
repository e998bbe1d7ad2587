"""First start: choose the plan, the own unit and (for a district) its townships; shows where the data lives."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop import dialogs
from desktop.clipboard import parse_clipboard
from desktop.i18n import level_name, tr
from desktop.icons import icon
from models.errors import LiangxinError
from models.plan_schema import Plan
from models.plans import builtin_plans, load_plan_file
from models.units import LEVELS, initialise, is_unit_code, normal_unit_code

PAGE_INTRO, PAGE_PLAN, PAGE_UNIT, PAGE_CHILDREN, PAGE_DONE = range(5)


def parse_units(text: str, taken: frozenset[str] = frozenset()) -> tuple[list[tuple[str, str]], list[str]]:
    """Read 'code name' lines (tab, space or comma between, or columns pasted from Excel); return units and errors.

    From Excel or WPS: the first two columns, a heading row above the codes is passed over, quoted cells are read as
    Excel writes them. Full-width codes are read as plain ones. taken: codes a line may not use (the own unit's and
    its parent's).
    """
    units, errors, seen = [], [], set()
    for n, (code, name) in enumerate(_unit_lines(text), start=1):
        if code is None:
            continue
        if not name:
            errors.append(tr("第{n}行：应为“代码 名称”，如 371002001 环翠楼街道").format(n=n))
        elif not is_unit_code(code):
            errors.append(tr("第{n}行：代码“{code}”须为1–32位数字或英文字母（可含 - 和 _）").format(n=n, code=code[:40]))
        elif code in seen:
            errors.append(tr("第{n}行：代码 {code} 重复").format(n=n, code=code))
        elif code in taken:
            errors.append(tr("第{n}行：代码 {code} 已是本单位或上级单位的代码").format(n=n, code=code))
        else:
            seen.add(code)
            units.append((code, name))
    return units, errors


_HEADING = re.compile(r"代码|编码|编号|名称|code|name", re.IGNORECASE)


def _unit_lines(text: str) -> list[tuple[str | None, str]]:
    """Each line's (code, name), as typed; (None, "") for a blank line or the heading row of a pasted table."""
    # Cells pasted from a spreadsheet are split at tabs (and quoted as Excel quotes them); a line typed by hand
    # at its first comma or space.
    rows = parse_clipboard(text) if "\t" in text else [[line] for line in text.splitlines()]
    rows = [[c.strip() for c in row] if len(row) > 1 else re.split(r"[,，]+|\s+", row[0].strip(), maxsplit=1)
            for row in rows]
    out: list[tuple[str | None, str]] = []
    for row in rows:
        code, name = normal_unit_code(row[0]), " ".join(row[1].split()) if len(row) > 1 else ""
        heading = not any(c for c, _ in out) and not is_unit_code(code) and _HEADING.search(" ".join(row[:2]))
        out.append((None, "") if heading or not (code or name) else (code, name))
    return out


class IntroPage(QWizardPage):
    """Welcome, and where the data lives."""

    def __init__(self, database_label: str) -> None:
        super().__init__()
        self.setTitle(tr("欢迎使用两新填报"))
        self.setSubTitle(tr("推动大规模设备更新和消费品以旧换新工作 · 月度填报与汇总"))
        layout = QVBoxLayout(self)
        text = QLabel(tr("第一次使用需要设置三件事：\n\n"
                         "1. 本地执行的工作方案（内置五个方案，也可导入）；\n"
                         "2. 本单位的名称和代码，以及上级单位；\n"
                         "3. 如果本单位是区县，填写所辖镇街，以便汇总。\n\n"
                         "以后都可以在“设置”中查看和补充。"))
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addSpacing(12)
        where = QLabel(tr("数据保存在：") + f"\n{database_label}")
        where.setObjectName("Hint")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        layout.addStretch(1)


class PlanPage(QWizardPage):
    """Choose one of the built-in plans, or import one."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("选择工作方案"))
        self.setSubTitle(tr("选择本地印发的实施方案；任务、牵头单位和目标将按方案列出。"))
        self.plans: list[tuple[Plan, str | None]] = [(p, None) for p in builtin_plans()]
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(lambda _r: self.completeChanged.emit())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.import_button = QPushButton(icon("folder"), tr("从文件导入方案…"))
        self.import_button.clicked.connect(self.import_plan)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        row.addWidget(self.import_button)
        row.addWidget(self.error, 1)
        layout.addLayout(row)
        self._fill()
        self.list.setCurrentRow(0)

    def _fill(self) -> None:
        self.list.clear()
        for plan, file in self.plans:
            source = tr("导入") if file else (plan.document_no or plan.issuing_body)
            item = QListWidgetItem(f"{plan.jurisdiction} · {plan.title}\n    {source} · {plan.issued:%Y-%m-%d} · "
                                   + tr("{n} 项任务").format(n=len(plan.tasks)))
            self.list.addItem(item)

    def import_plan(self, path: str | None = None) -> bool:
        """Read a plan file; an invalid file is refused with the place of the error."""
        path = path or dialogs.choose_open_file(self, tr("导入工作方案"), tr("方案文件 (*.json)"))
        if not path:
            return False
        try:
            plan = load_plan_file(path)
        except LiangxinError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self.plans.append((plan, path))
        self._fill()
        self.list.setCurrentRow(len(self.plans) - 1)
        return True

    def chosen(self) -> tuple[Plan, str | None]:
        """The plan chosen, and its file when imported."""
        return self.plans[max(self.list.currentRow(), 0)]

    def isComplete(self) -> bool:  # noqa: N802
        return self.list.currentRow() >= 0


class UnitPage(QWizardPage):
    """The own unit: level, name, code, and its parent."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("本单位"))
        self.setSubTitle(tr("单位代码用于上下级之间识别报表，请使用统计用区划代码（如 371002001）。"))
        layout = QVBoxLayout(self)
        level_row = QHBoxLayout()
        self.levels = QButtonGroup(self)
        self.level_buttons: dict[str, QRadioButton] = {}
        for i, level in enumerate(LEVELS):
            button = QRadioButton({"town": tr("镇街（填报）"), "district": tr("区县（汇总镇街）"),
                                   "city": tr("市（汇总区县）")}.get(level, level_name(level)))
            self.levels.addButton(button, i)
            self.level_buttons[level] = button
            level_row.addWidget(button)
        self.level_buttons["town"].setChecked(True)
        self.levels.idToggled.connect(lambda *_: self._level_changed())
        level_row.addStretch(1)
        layout.addLayout(level_row)
        form = QFormLayout()
        self.name, self.code = QLineEdit(), QLineEdit()
        self.parent_name, self.parent_code = QLineEdit(), QLineEdit()
        self.name.setPlaceholderText(tr("如 环翠楼街道"))
        self.code.setPlaceholderText(tr("如 371002001"))
        self.parent_name.setPlaceholderText(tr("如 环翠区"))
        self.parent_code.setPlaceholderText(tr("如 371002"))
        form.addRow(tr("单位名称"), self.name)
        form.addRow(tr("单位代码"), self.code)
        self.parent_label = QLabel(tr("上级单位（选填）"), objectName="SectionTitle")
        form.addRow(self.parent_label)
        form.addRow(tr("上级名称"), self.parent_name)
        form.addRow(tr("上级代码"), self.parent_code)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for edit in (self.name, self.code):
            edit.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:  # noqa: N802
        # The clerk types the unit's name first (the level is usually right as it is), not into the radio buttons;
        # after the wizard has shown the page, which gives the first widget in the tab order the focus.
        QTimer.singleShot(0, self.name, self.name.setFocus)  # dropped if the wizard is closed first

    def level(self) -> str:
        """The level chosen."""
        return next(level for level, b in self.level_buttons.items() if b.isChecked())

    def _level_changed(self) -> None:
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.name.text().strip() and self.code.text().strip())

    def unit_code(self) -> str:
        """The own unit's code as it will be stored (full-width digits made plain)."""
        return normal_unit_code(self.code.text())

    def parent_unit_code(self) -> str:
        """The parent's code as it will be stored, or ''."""
        return normal_unit_code(self.parent_code.text())

    def validatePage(self) -> bool:  # noqa: N802
        problems = []
        if not is_unit_code(self.unit_code()):
            problems.append(tr("单位代码须为1–32位数字或英文字母（可含 - 和 _），不含空格"))
        parent_code = self.parent_unit_code()
        if parent_code and not is_unit_code(parent_code):
            problems.append(tr("上级代码须为1–32位数字或英文字母（可含 - 和 _），不含空格"))
        if parent_code and parent_code == self.unit_code():
            problems.append(tr("上级代码不能与本单位代码相同"))
        if self.level() == "city" and parent_code:
            problems.append(tr("市级单位不填上级单位"))
        self.error.setText("\n".join(problems))
        return not problems

    def nextId(self) -> int:  # noqa: N802
        return PAGE_CHILDREN if self.level() in ("district", "city") else PAGE_DONE


class ChildrenPage(QWizardPage):
    """A district's townships (a city's districts): one per line, or two columns pasted from Excel."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("所辖单位"))
        self.setSubTitle(tr("每行一个：代码 名称。可从 Excel 复制两列直接粘贴。以后也可在“设置”中添加。"))
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("371002001\t环翠楼街道\n371002002\t鲸园街道\n371002003\t竹岛街道")
        layout.addWidget(self.text, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

    def units(self) -> list[tuple[str, str]]:
        """The units typed."""
        return parse_units(self.text.toPlainText())[0]

    def validatePage(self) -> bool:  # noqa: N802
        unit_page = self.wizard().unit_page
        taken = frozenset({unit_page.unit_code(), unit_page.parent_unit_code()} - {""})
        errors = parse_units(self.text.toPlainText(), taken)[1]
        self.error.setText("\n".join(errors[:8]))
        return not errors

    def nextId(self) -> int:  # noqa: N802
        return PAGE_DONE


class DonePage(QWizardPage):
    """What will be stored, before it is."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("确认"))
        self.setSubTitle(tr("点击“完成”后保存设置并进入填报。"))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        w = self.wizard()
        plan, _ = w.plan_page.chosen()
        unit = w.unit_page
        plan_l, unit_l, parent_l, children_l, where_l = (tr("工作方案"), tr("本单位"), tr("上级单位"), tr("所辖单位"),
                                                         tr("数据位置"))
        code = escape(unit.unit_code())  # typed text, shown as text in this rich-text summary
        lines = [f"<b>{plan_l}</b>：{escape(plan.title)}",
                 f"<b>{unit_l}</b>：{escape(unit.name.text().strip())}（{code}，{level_name(unit.level())}）"]
        parent_code = escape(unit.parent_unit_code())
        if parent_code:
            lines.append(f"<b>{parent_l}</b>：{escape(unit.parent_name.text().strip()) or parent_code}（{parent_code}）")
        if unit.level() != "town":
            children = w.children_page.units()
            names = "、".join(n for _, n in children[:12]) + ("…" if len(children) > 12 else "")
            listed = tr("{n} 个：").format(n=len(children)) + names if children else tr("暂无（可稍后在“设置”中添加）")
            lines.append(f"<b>{children_l}</b>：{escape(listed)}")
        lines.append(f"<b>{where_l}</b>：{escape(w.database_label)}")
        self.summary.setText("<br><br>".join(lines))


class FirstRunWizard(QWizard):
    """The first-run wizard; accept() stores the plan, the unit and its subordinate units."""

    def __init__(self, *, database_label: str, parent=None) -> None:
        super().__init__(parent)
        self.database_label = database_label
        self.setWindowTitle(tr("两新填报 — 首次设置"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("取消"))
        self.intro_page = IntroPage(database_label)
        self.plan_page = PlanPage()
        self.unit_page = UnitPage()
        self.children_page = ChildrenPage()
        self.done_page = DonePage()
        for page_id, page in ((PAGE_INTRO, self.intro_page), (PAGE_PLAN, self.plan_page), (PAGE_UNIT, self.unit_page),
                              (PAGE_CHILDREN, self.children_page), (PAGE_DONE, self.done_page)):
            self.setPage(page_id, page)
        self.resize(760, 560)
        self.unit_code: str | None = None
        self.error: str = ""

    def accept(self) -> None:
        """Store everything; on a refusal say why and stay open."""
        try:
            self.unit_code = self.store()
        except LiangxinError as exc:
            self.error = str(exc)
            box = QMessageBox(QMessageBox.Icon.Warning, tr("未能保存"), str(exc), QMessageBox.StandardButton.Ok, self)
            box.open()
            return
        super().accept()

    def store(self) -> str:
        """Initialise the database from the answers; returns the own unit's code."""
        plan, file = self.plan_page.chosen()
        u = self.unit_page
        level = u.level()
        unit = initialise(plan_id=plan.id, plan_file=file, unit_code=u.unit_code(), unit_name=u.name.text().strip(),
                          level=level, parent_code=u.parent_unit_code() or None,
                          parent_name=u.parent_name.text().strip() or None,
                          subordinates=self.children_page.units() if level != "town" else [])
        return unit.code
