"""First-run setup is done once: init again is harmless, but never re-attaches a database's data to another plan or unit."""

import pytest

from models.database import close_database, open_database
from models.entries import form_rows, save_row
from models.errors import DataError
from models.units import get_setting, initialise, own_unit
from reports.cli import main
from tests.conftest import DISTRICT, TOWN, table_snapshot

P = "2025-10"
SAME = {"plan_id": "huancui", "unit_code": TOWN, "unit_name": "环翠楼街道", "level": "town", "parent_code": DISTRICT}


def entered() -> None:
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "已开专题会"})


def but_audit(snapshot: dict) -> dict:
    return {table: rows for table, rows in snapshot.items() if table != "audit_log"}


def test_the_same_setup_again_changes_nothing(sqlite_db):
    entered()
    before = table_snapshot()
    assert initialise(**SAME).code == TOWN
    assert table_snapshot() == before


@pytest.mark.parametrize("change, words", [
    ({"plan_id": "anqiu"}, f"不能改为 {TOWN}、工作方案 anqiu"),
    ({"unit_code": "371002009", "unit_name": "另一街道"}, "不能改为 371002009、工作方案 huancui"),
])
def test_another_plan_or_unit_is_refused_once_there_is_data(sqlite_db, change, words):
    entered()
    before = table_snapshot()
    with pytest.raises(DataError) as refused:
        initialise(**(SAME | change))
    message = str(refused.value)
    assert message.startswith(f"本数据库已设置为 环翠楼街道（{TOWN}）、工作方案 huancui，并已有填报数据")
    assert words in message and message.endswith("未做任何改动")
    assert table_snapshot() == before
    assert form_rows(unit_code=TOWN, period=P, form_id="tasks")[0].values["title"] == "实施先进设备攻坚行动"


def test_the_own_unit_named_otherwise_is_refused(sqlite_db):
    before = table_snapshot()
    with pytest.raises(DataError, match=f"本单位已是 环翠楼街道（{TOWN}，镇街），与给出的“环翠区”（区县）不符"):
        initialise(**(SAME | {"unit_name": "环翠区", "level": "district", "parent_code": None}))
    assert table_snapshot() == before


def test_before_any_data_the_setup_can_still_be_changed(sqlite_db):
    initialise(**(SAME | {"plan_id": "anqiu"}))
    assert get_setting("plan_id") == "anqiu" and own_unit().code == TOWN


def test_the_command_line_says_why_and_changes_nothing(sqlite_db, capsys):
    entered()
    before = but_audit(table_snapshot())
    close_database()
    assert main(["--db", str(sqlite_db), "init", "--plan", "anqiu", "--unit-code", TOWN, "--unit-name", "环翠楼街道",
                 "--level", "town"]) == 1
    err = capsys.readouterr().err
    assert "已有填报数据" in err and "Traceback" not in err
    open_database(sqlite_db)
    assert but_audit(table_snapshot()) == before
