"""设置, the declared settings and the first-run wizard, driven as a user drives them."""

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from desktop.options import OPTIONS, SIGNATORIES, get_option, option, qsettings, set_option
from desktop.wizard import PAGE_CHILDREN, PAGE_DONE, PAGE_PLAN, PAGE_UNIT, FirstRunWizard, parse_units
from models import db as m
from models.database import data_dir
from models.plans import builtin_plan, plan_to_json
from models.units import get_setting, own_unit, stored_plan, subordinate_units
from tests.conftest import DISTRICT, table_snapshot
from tests.gui_support import commit_text, make_window


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Type into a line edit and leave it, as a user does (Chinese through the input method)."""
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        commit_text(edit, text)
    edit.editingFinished.emit()


def test_options_are_declared_once_with_a_default_of_their_type():
    names = [o.name for o in OPTIONS]
    assert len(names) == len(set(names))
    for opt in OPTIONS:
        assert isinstance(opt.default, opt.type), opt.name
        assert opt.title and opt.store in ("local", "database", "state")
    assert {option(n).store for n in SIGNATORIES} == {"database"}


def test_local_options_round_trip_through_qsettings(sqlite_db):
    assert get_option("language") == "zh_CN"
    set_option("language", "en")
    set_option("window_geometry", b"\x01\x02")
    assert get_option("language") == "en" and get_option("window_geometry") == b"\x01\x02"
    ini = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    assert ini.value("language") == "en"
    assert qsettings().fileName().endswith("settings.ini")


def test_signatories_typed_on_the_settings_page_are_stored_in_the_database(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("settings")
    values = {"signatory_head": "王建国", "signatory_stats": "李敏", "signatory_filler": "张晓燕",
              "signatory_phone": "0631-5201234"}
    for name, value in values.items():
        type_into(qtbot, page.fields[name], value)
    assert {n: get_setting(n) for n in values} == values
    assert m.AuditLog.select().where(m.AuditLog.action == "set", m.AuditLog.entity_key == "signatory_head").count() == 1
    type_into(qtbot, page.fields["user_name"], "zhangxy")
    assert get_option("user_name") == "zhangxy" and window.session.user == "zhangxy"
    page.language.setCurrentIndex(page.language.findData("en"))
    assert get_option("language") == "en"
    assert "重新启动" in page.banner.text.text()


def test_database_location_is_a_local_setting(sqlite_db, qtbot, tmp_path, monkeypatch):
    from desktop import dialogs
    from tests.gui_support import wait_op

    window = make_window(qtbot)
    page = window.show_page("settings")
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or True)
    type_into(qtbot, page.fields["database"], str(tmp_path / "other.sqlite3"))
    wait_op(qtbot, page.database_op)
    assert "首次设置" in asked[0]  # a new file starts empty: said before it is kept
    assert get_option("database") == str(tmp_path / "other.sqlite3")
    from desktop.app import database_target, describe_target

    assert database_target() == str(tmp_path / "other.sqlite3")
    assert database_target("x.sqlite3") == "x.sqlite3"  # --db wins
    assert describe_target("postgresql://clerk:secret@db.example/lx?schema=huancui") == \
        "PostgreSQL clerk@db.example/lx?schema=huancui"


def test_a_district_adds_a_township_and_a_bad_code_changes_nothing(district_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("settings")
    assert page.children_table.rowCount() == 3
    before = table_snapshot()
    type_into(qtbot, page.child_code, "37100 2009")
    type_into(qtbot, page.child_name, "温泉镇")
    qtbot.keyClick(page.child_name, Qt.Key.Key_Return)
    assert "未能添加" in page.banner.text.text()
    assert table_snapshot() == before
    type_into(qtbot, page.child_code, "371002009")
    qtbot.keyClick(page.child_name, Qt.Key.Key_Return)
    assert "371002009" in [u.code for u in subordinate_units(DISTRICT)]
    assert page.children_table.rowCount() == 4
    type_into(qtbot, page.child_code, "３７１００２０１０")  # typed with a Chinese input method's full-width digits
    type_into(qtbot, page.child_name, "张村镇")
    qtbot.keyClick(page.child_name, Qt.Key.Key_Return)
    assert "已添加 张村镇（371002010）" in page.banner.text.text()
    assert "371002010" in [u.code for u in subordinate_units(DISTRICT)]


# ---- the first-run wizard -------------------------------------------------------------------------


def open_wizard(qtbot) -> FirstRunWizard:
    wizard = FirstRunWizard(database_label="/tmp/x.sqlite3")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def test_the_wizard_shows_a_typed_name_as_text_not_as_markup(empty_db, qtbot):
    wizard = open_wizard(qtbot)
    wizard.next()
    wizard.plan_page.list.setCurrentRow(1)
    wizard.next()
    type_into(qtbot, wizard.unit_page.name, "环翠区<测试>&商务局")
    type_into(qtbot, wizard.unit_page.code, "370784001")
    wizard.next()
    summary = wizard.done_page.summary
    rendered = QTextDocument()
    rendered.setHtml(summary.text())
    assert "环翠区<测试>&商务局（370784001" in rendered.toPlainText()


def test_an_empty_reason_keeps_the_question_open_and_says_why(qtbot):
    from desktop.dialogs import ReasonDialog

    dialog = ReasonDialog(None, "退回修改", "退回理由：")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.setTextValue("   ")
    dialog.accept()
    assert dialog.isVisible() and "须填写理由" in dialog.labelText()
    dialog.setTextValue("表3数据有误")
    dialog.accept()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted


def test_wizard_sets_up_a_township_in_a_minute(empty_db, qtbot):
    wizard = open_wizard(qtbot)
    wizard.next()
    assert wizard.currentId() == PAGE_PLAN
    wizard.plan_page.list.setCurrentRow(1)  # 安丘市
    wizard.next()
    assert wizard.currentId() == PAGE_UNIT
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # name and code first
    qtbot.waitUntil(lambda: wizard.focusWidget() is wizard.unit_page.name)  # where the clerk starts typing
    type_into(qtbot, wizard.unit_page.name, "兴安街道")
    type_into(qtbot, wizard.unit_page.code, "370784001")
    type_into(qtbot, wizard.unit_page.parent_name, "安丘市")
    type_into(qtbot, wizard.unit_page.parent_code, "370784")
    wizard.next()
    assert wizard.currentId() == PAGE_DONE  # a township has no townships page
    assert "兴安街道" in wizard.done_page.summary.text()
    wizard.accept()
    assert wizard.result() == QDialog.DialogCode.Accepted
    unit = own_unit()
    assert (unit.code, unit.name, unit.level, unit.parent_id) == ("370784001", "兴安街道", "town", "370784")
    assert stored_plan().id == "anqiu"


def district_wizard_at_its_townships(qtbot) -> FirstRunWizard:
    """The wizard with the built-in plan and 环翠区 (a district) chosen, on the 所辖单位 page."""
    wizard = open_wizard(qtbot)
    wizard.next()
    wizard.next()
    wizard.unit_page.level_buttons["district"].setChecked(True)
    type_into(qtbot, wizard.unit_page.name, "环翠区")
    type_into(qtbot, wizard.unit_page.code, DISTRICT)
    wizard.next()
    return wizard


def test_wizard_sets_up_a_district_with_townships_pasted_from_excel(empty_db, qtbot):
    wizard = district_wizard_at_its_townships(qtbot)
    assert wizard.currentId() == PAGE_CHILDREN
    wizard.children_page.text.setPlainText("371002001\t环翠楼街道\n371002001\t重复\nbad\n")
    wizard.next()
    assert wizard.currentId() == PAGE_CHILDREN  # refused: a repeated code and a line without a name
    assert "重复" in wizard.children_page.error.text() and "第3行" in wizard.children_page.error.text()
    assert m.OrgUnit.select().count() == 0
    wizard.children_page.text.setPlainText("371002001\t环翠楼街道\r\n371002002\t鲸园街道\r\n371002003, 竹岛街道\n")
    wizard.next()
    assert wizard.currentId() == PAGE_DONE
    wizard.accept()
    assert own_unit().level == "district"
    assert [(u.code, u.name) for u in subordinate_units(DISTRICT)] == [
        ("371002001", "环翠楼街道"), ("371002002", "鲸园街道"), ("371002003", "竹岛街道")]
    window = make_window(qtbot)
    assert not window.nav.item(4).isHidden()  # 汇总合并 is there for a district


def test_wizard_imports_a_plan_file_and_refuses_a_broken_one(empty_db, qtbot, tmp_path):
    wizard = open_wizard(qtbot)
    wizard.next()
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x"', encoding="utf-8")
    assert not wizard.plan_page.import_plan(str(broken))
    assert "不是有效的 JSON" in wizard.plan_page.error.text()
    data = plan_to_json(builtin_plan("taishan"))
    data["id"] = "taishan-2025"
    for task in data["tasks"]:
        task.pop("seq")
    good = tmp_path / "mine.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert wizard.plan_page.import_plan(str(good))
    assert wizard.plan_page.chosen()[0].id == "taishan-2025"
    wizard.next()
    type_into(qtbot, wizard.unit_page.name, "岱庙街道")
    type_into(qtbot, wizard.unit_page.code, "370902001")
    wizard.next()
    wizard.accept()
    assert stored_plan().id == "taishan-2025"


@pytest.mark.parametrize("text, units, errors", [
    ("1\t甲\n2 乙\n3,丙\n4，丁", [("1", "甲"), ("2", "乙"), ("3", "丙"), ("4", "丁")], 0),
    ("\n\n1 甲 镇\n", [("1", "甲 镇")], 0),
    ("1\n", [], 1),
    # From Excel or WPS: a heading row, a third column, quoted cells, full-width codes typed with a Chinese IME.
    ('代码\t名称\t级别\n371002001\t环翠楼街道\t镇街\n371002002\t"鲸园\n街道"\t镇街\n'
     '371002003\t"竹岛""东""街道"\t\n３７１００２００４\t张村镇\t镇街\n',
     [("371002001", "环翠楼街道"), ("371002002", "鲸园 街道"), ("371002003", '竹岛"东"街道'), ("371002004", "张村镇")], 0),
    ("371002001\t甲\n代码\t名称\n", [("371002001", "甲")], 1),  # a heading only above the codes
    ("3710汉\t甲\n371 002\t乙\n", [], 2),  # not stored as codes: refused here, with the line
])
def test_township_lines(text, units, errors):
    got, problems = parse_units(text)
    assert got == units and len(problems) == errors


def test_a_refused_code_is_named_by_its_line_and_what_a_code_may_hold(empty_db, qtbot):
    wizard = district_wizard_at_its_townships(qtbot)
    wizard.children_page.text.setPlainText("371002001\t环翠楼街道\n371002-镇\t鲸园街道\n")
    wizard.next()
    assert wizard.currentId() == PAGE_CHILDREN
    assert wizard.children_page.error.text() == "第2行：代码“371002-镇”须为1–32位数字或英文字母（可含 - 和 _）"
    assert m.OrgUnit.select().count() == 0


def test_a_district_typed_with_full_width_digits_and_townships_pasted_with_their_heading(empty_db, qtbot):
    wizard = open_wizard(qtbot)
    wizard.next()
    wizard.next()
    wizard.unit_page.level_buttons["district"].setChecked(True)
    type_into(qtbot, wizard.unit_page.name, "环翠区")
    type_into(qtbot, wizard.unit_page.code, "３７１００２")
    wizard.next()
    assert wizard.currentId() == PAGE_CHILDREN
    wizard.children_page.text.setPlainText("乡镇代码\t乡镇名称\t备注\n371002001\t环翠楼街道\t\n371002002\t鲸园街道\t新设\n")
    wizard.next()
    assert wizard.currentId() == PAGE_DONE
    assert "（371002，" in wizard.done_page.summary.text()
    wizard.accept()
    assert own_unit().code == "371002"
    assert [(u.code, u.name) for u in subordinate_units("371002")] == [
        ("371002001", "环翠楼街道"), ("371002002", "鲸园街道")]


def test_a_refused_township_at_setup_leaves_nothing_stored_and_the_answers_can_be_given_again(empty_db):
    from models.errors import DataError
    from models.units import initialise

    answers = dict(plan_id="huancui", unit_code=DISTRICT, unit_name="环翠区", level="district")
    with pytest.raises(DataError, match="371002001 已存在"):
        initialise(**answers, subordinates=[("371002001", "环翠楼街道"), ("371002001", "又一个")])
    assert m.OrgUnit.select().count() == 0 and own_unit() is None and stored_plan() is None
    initialise(**answers, subordinates=[("371002001", "环翠楼街道"), ("371002002", "鲸园街道")])
    assert [u.code for u in subordinate_units(DISTRICT)] == ["371002001", "371002002"]


def test_a_township_line_with_the_districts_own_code_is_named_by_its_line(empty_db, qtbot):
    wizard = district_wizard_at_its_townships(qtbot)
    wizard.children_page.text.setPlainText(f"371002001\t环翠楼街道\n{DISTRICT}\t环翠区\n")
    wizard.next()
    assert wizard.currentId() == PAGE_CHILDREN
    assert wizard.children_page.error.text() == f"第2行：代码 {DISTRICT} 已是本单位或上级单位的代码"
    assert m.OrgUnit.select().count() == 0


def test_the_wizard_shows_where_the_data_lives(qtbot):
    wizard = open_wizard(qtbot)
    assert "/tmp/x.sqlite3" in " ".join(w.text() for w in wizard.intro_page.findChildren(type(wizard.done_page.summary)))
    QApplication.processEvents()


def test_a_new_operator_is_the_one_the_audit_log_names_on_pages_already_open(sqlite_db, qtbot):
    from models.audit import audit_entries
    from models.entries import form_rows
    from tests.conftest import TOWN
    from tests.gui_support import P, enter_cell, go_to

    window = make_window(qtbot, user="clerk")
    tasks = window.show_page("tasks")
    go_to(tasks, "2", "achieved")
    enter_cell(qtbot, tasks.table, "1")
    settings = window.show_page("settings")
    type_into(qtbot, settings.fields["user_name"], "王五")
    tasks = window.show_page("tasks")
    go_to(tasks, "2", "achieved")
    enter_cell(qtbot, tasks.table, "2")
    assert next(r for r in form_rows(unit_code=TOWN, period=P, form_id="tasks") if r.row_key == "2").values["achieved"] == 2
    edits = [(a.new, a.user) for a in reversed(audit_entries()) if a.action == "edit" and a.field == "achieved"]
    assert edits == [("1", "clerk"), ("2", "王五")]
