"""设置: the unit and its subordinate units, the signatories of the return footer, the database, backups, the language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs
from desktop.backuppanel import BackupPanel, error_text
from desktop.i18n import LANGUAGES, QT_TRANSLATE_NOOP, level_name, tr
from desktop.icons import icon
from desktop.ops import Op
from desktop.options import SIGNATORIES, get_option, option, set_option
from desktop.widgets import Banner, Page, page_header, scrolling
from models.backup import DatabaseFound, inspect_database
from models.database import data_dir, default_database_path
from models.errors import LiangxinError
from models.units import LEVELS, add_unit, subordinate_units


class SettingsPage(Page):
    """Preferences of this PC and settings of the unit's database, each saved as soon as it is changed."""

    title = QT_TRANSLATE_NOOP("", "设置")
    icon_name = "settings"

    def __init__(self, session, parent=None, *, database_label: str = "") -> None:
        super().__init__(session, parent)
        self.database_label = database_label
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        header, self.saved = page_header(tr(self.title))
        outer.addLayout(header)
        self.banner = Banner()
        outer.addWidget(self.banner)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)

        unit_box = QGroupBox(tr("本单位"))
        form = QFormLayout(unit_box)
        self.unit_labels = {k: QLabel() for k in ("name", "code", "level", "parent", "plan")}
        for key, label in (("name", tr("单位名称")), ("code", tr("单位代码")), ("level", tr("级别")),
                           ("parent", tr("上级单位")), ("plan", tr("工作方案"))):
            self.unit_labels[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.unit_labels[key].setWordWrap(True)
            form.addRow(label, self.unit_labels[key])
        self.children_table = QTableWidget(0, 2)
        self.children_table.setHorizontalHeaderLabels([tr("代码"), tr("名称")])
        self.children_table.verticalHeader().hide()
        self.children_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.children_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.children_table.setMaximumHeight(180)
        self.child_code, self.child_name = QLineEdit(), QLineEdit()
        self.child_code.setPlaceholderText(tr("代码，如 371002007"))
        self.child_name.setPlaceholderText(tr("名称，如 温泉镇"))
        add = QPushButton(icon("add"), tr("添加"))
        add.clicked.connect(self.add_child)
        self.child_name.returnPressed.connect(self.add_child)
        add_row = QHBoxLayout()
        add_row.addWidget(self.child_code)
        add_row.addWidget(self.child_name, 1)
        add_row.addWidget(add)
        self.children_box = QWidget()
        children_layout = QVBoxLayout(self.children_box)
        children_layout.setContentsMargins(0, 0, 0, 0)
        children_layout.addWidget(self.children_table)
        children_layout.addLayout(add_row)
        form.addRow(tr("下级单位"), self.children_box)
        self.unit_form = form
        layout.addWidget(unit_box)

        sign_box = QGroupBox(tr("报表落款（打印在每张表下方）"))
        form = QFormLayout(sign_box)
        self.fields: dict[str, QLineEdit] = {}
        for name in SIGNATORIES:
            edit = QLineEdit()
            edit.setMaximumWidth(420)
            edit.editingFinished.connect(lambda n=name: self._save(n))
            self.fields[name] = edit
            form.addRow(tr(option(name).title), edit)
        layout.addWidget(sign_box)

        db_box = QGroupBox(tr("数据库"))
        form = QFormLayout(db_box)
        self.current_db = QLabel()
        self.current_db.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current_db.setWordWrap(True)
        form.addRow(tr("当前使用"), self.current_db)
        self.fields["database"] = QLineEdit()
        self.fields["database"].setPlaceholderText(str(default_database_path()))
        self.fields["database"].editingFinished.connect(self.change_database)
        self.database_op: Op | None = None
        browse = QPushButton(icon("folder"), tr("选择数据库文件…"))
        browse.clicked.connect(self._choose_database)
        db_row = QHBoxLayout()
        db_row.addWidget(self.fields["database"], 1)
        db_row.addWidget(browse)
        form.addRow(tr("更改为"), db_row)
        note = QLabel(tr("共用数据库请填写 PostgreSQL 地址，例如 postgresql://用户名@服务器/两新?schema=环翠区。更改后重新启动程序生效。"),
                      objectName="Hint")
        note.setWordWrap(True)
        form.addRow("", note)
        open_folder = QPushButton(icon("folder"), tr("打开数据文件夹"))
        open_folder.clicked.connect(lambda: dialogs.open_path(data_dir()))
        folder_row = QHBoxLayout()
        folder_row.addWidget(open_folder)
        folder_row.addStretch(1)
        form.addRow("", folder_row)
        layout.addWidget(db_box)

        self.backup_panel = BackupPanel(session, self.banner)
        self.backup_panel.restored.connect(self._restored)
        layout.addWidget(self.backup_panel)

        ui_box = QGroupBox(tr("界面与操作人"))
        form = QFormLayout(ui_box)
        self.language = QComboBox()
        self.language.setMaximumWidth(240)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(self._save_language)
        form.addRow(tr(option("language").title), self.language)
        self.fields["user_name"] = QLineEdit()
        self.fields["user_name"].setMaximumWidth(420)
        self.fields["user_name"].editingFinished.connect(lambda: self._save("user_name"))
        form.addRow(tr(option("user_name").title), self.fields["user_name"])
        layout.addWidget(ui_box)
        layout.addStretch(1)

        outer.addWidget(scrolling(body), 1)

    def refresh(self) -> None:
        s = self.session
        s.refresh_unit()
        u = s.unit
        self.unit_labels["name"].setText(u.name)
        self.unit_labels["code"].setText(u.code)
        self.unit_labels["level"].setText(level_name(u.level))
        self.unit_labels["parent"].setText(f"{u.parent.name}（{u.parent.code}）" if u.parent else "—")
        plan = s.plan
        self.unit_labels["plan"].setText(f"{plan.title}（{plan.document_no or plan.issuing_body}）" if plan else "—")
        self.unit_form.setRowVisible(self.children_box, s.is_aggregating)
        self._fill_children()
        for name, edit in self.fields.items():
            edit.setText(str(get_option(name) or ""))
        self.current_db.setText(self.database_label)
        self.backup_panel.refresh()
        self.language.blockSignals(True)
        self.language.setCurrentIndex(max(self.language.findData(get_option("language")), 0))
        self.language.blockSignals(False)

    def _restored(self, _kept) -> None:
        """After a restore every page reads the database again; the month may be open or submitted in it."""
        self.session.refresh_unit()
        self.session.data_changed.emit(self)
        self.session.lock_changed.emit()  # marks this page stale too: it is visible, so it refreshes now

    def _fill_children(self) -> None:
        children = subordinate_units(self.session.unit_code)
        self.children_table.setRowCount(len(children))
        for r, child in enumerate(children):
            self.children_table.setItem(r, 0, QTableWidgetItem(child.code))
            self.children_table.setItem(r, 1, QTableWidgetItem(child.name))

    def _save(self, name: str, *, restart: bool = False) -> None:
        value = self.fields[name].text().strip()
        if value == str(get_option(name) or ""):
            return
        try:
            set_option(name, value, user=self.session.user)
        except LiangxinError as exc:
            self.banner.show_message("error", str(exc))
            return
        if name == "user_name":
            self.session.user = value
        text = tr("已保存：{title}").format(title=tr(option(name).title))
        self.banner.show_message("info" if restart else "ok", text + (tr("。重新启动程序后生效。") if restart else ""))
        self.status_message.emit(text)

    def _save_language(self) -> None:
        set_option("language", self.language.currentData())
        self.banner.show_message("info", tr("界面语言已保存，重新启动程序后生效。"))

    def _choose_database(self) -> None:
        path = dialogs.choose_open_file(self, tr("选择数据库文件"), tr("SQLite 数据库 (*.sqlite3 *.db);;所有文件 (*)"))
        if path:
            self.fields["database"].setText(path)
            self.change_database()

    def change_database(self) -> Op | None:
        """Look at the database typed or chosen before keeping it (in the background: a server may be slow to answer).

        A database the program cannot open would stop the next start, where this page cannot be reached to undo
        it; an empty one would start with the first-run wizard and leave this PC's data behind unnoticed.
        """
        value = self.fields["database"].text().strip()
        if value == str(get_option("database") or "") or (self.database_op is not None and not self.database_op.done):
            return None
        target = value or str(default_database_path())

        def done(found: DatabaseFound) -> None:
            question = self._switch_question(found)
            if question and not dialogs.confirm(self, tr("更换数据库"), question):
                self.fields["database"].setText(str(get_option("database") or ""))
                self.banner.show_message("info", tr("数据库设置未更改，仍使用当前数据库。"))
                return
            self._save("database", restart=True)

        def failed(exc: Exception) -> None:
            self.banner.show_message("error", tr("数据库设置未保存：{error}").format(error=error_text(exc)))

        self.database_op = Op(self, lambda _progress: inspect_database(target), title=tr("正在检查数据库…"),
                              success=done, failure=failed, cancellable=False)
        return self.database_op.run_in_background()

    def _switch_question(self, found: DatabaseFound) -> str:
        """What the user should know before the program starts on another database; empty when it is this unit's."""
        own = self.session.unit
        if found.unit is None:
            return tr("{target} 中还没有数据（没有设置本单位）。重新启动后程序会进入首次设置，"
                      "当前数据库中 {own}（{own_code}）的数据不会带过去。\n\n"
                      "共用的 PostgreSQL 数据库应先由技术人员初始化（liangxin-cli --db 地址 init …，见 IT 指南）；"
                      "要把本机数据搬到另一个文件，请先“立即备份…”，改用新文件后再“从其他文件恢复…”。\n\n"
                      "仍要改用它吗？").format(target=found.target, own=own.name, own_code=own.code)
        if found.unit[0] != own.code:
            return tr("{target} 中的本单位是 {name}（{code}），不是 {own}（{own_code}）。"
                      "重新启动后程序显示的是它的数据。\n\n仍要改用它吗？").format(
                target=found.target, name=found.unit[1] or "?", code=found.unit[0], own=own.name, own_code=own.code)
        return ""

    def add_child(self) -> None:
        """Add a subordinate unit (a district's township, a city's district)."""
        level = LEVELS[max(LEVELS.index(self.session.unit.level) - 1, 0)]
        try:
            unit = add_unit(code=self.child_code.text().strip(), name=self.child_name.text().strip(), level=level,
                            parent_code=self.session.unit_code, user=self.session.user)
        except LiangxinError as exc:
            self.banner.show_message("error", tr("未能添加：{error}").format(error=exc))
            return
        self.child_code.clear()
        self.child_name.clear()
        self._fill_children()
        self.banner.show_message("ok", tr("已添加 {name}（{code}）").format(name=unit.name, code=unit.code))
        self.session.data_changed.emit(self)
