"""copy-from: an office's SQLite data moved into the shared PostgreSQL database, whole or not at all."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import peewee
import pytest

from forms import all_forms
from models import db as m
from models import rawsql, transfer
from models.audit import audit_entries
from models.auth import add_user, set_login_required
from models.database import close_database, open_database
from models.entries import form_rows, save_row, submit_period
from models.errors import DataError, LockedError, PermissionDenied, SchemaError
from models.units import add_unit, initialise, own_unit, subordinate_units
from reports.cli import main
from reports.completeness import completeness
from reports.merge import merge, reopen_return
from tests.conftest import DISTRICT, TOWN, table_snapshot
from tests.merge_samples import P, make_rf, month

V1 = Path(__file__).parent / "fixtures" / "schema_v1.sqlite3"
PASSWORD = "a long password"
NOW = dt.datetime(2025, 11, 20, 9, 0)


def readings() -> dict:
    """What the program shows of the open database, read through its own readers (computed columns included)."""
    out = {"own_unit": own_unit().code, "townships": [(u.code, u.name) for u in subordinate_units(DISTRICT)],
           "completeness": completeness(period=P, now=NOW).to_json(),
           "audit": [(a.at, a.user, a.action, a.entity, a.entity_key, a.old, a.new, a.reason) for a in audit_entries(10_000)]}
    for unit in m.OrgUnit.select():
        for form in all_forms():
            out[unit.code, form.id] = [(r.row_key, r.values, r.version) for r in form_rows(unit_code=unit.code, period=P,
                                                                                         form_id=form.id)]
    return out


@pytest.fixture
def office(district_db):
    """A district's SQLite file, closed: two merged townships and a 退回, its own month in all three forms, submitted,
    and an account; with what the program shows of it and every row of every table."""
    merge([make_rf(TOWN, data=month(0)), make_rf("371002002", data=month(1))], user="审核员甲")
    reopen_return(unit_code="371002002", period=P, reason="表3口径不对", user="审核员甲")
    save_row(unit_code=DISTRICT, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "全区推进"})
    save_row(unit_code=DISTRICT, period=P, form_id="events", row_key=None,
             values={"date": "2025-10-12", "type": "家电以旧换新", "name": "区级家电节", "visitors": 800, "deals": 40, "sales": "56.5"})
    save_row(unit_code=DISTRICT, period=P, form_id="figures", row_key="appliance_recycling",
             values={"current": "4321", "base_2023": "30000"})
    submit_period(unit_code=DISTRICT, period=P, user="审核员甲")
    add_user(name="li", password=PASSWORD, role="填报员", unit_code=TOWN)
    shown, snapshot = readings(), table_snapshot()
    close_database()
    return district_db, shown, snapshot


def with_login(source: Path) -> None:
    """Switch login on in a closed source file, with an administrator and the clerk li."""
    open_database(source)
    add_user(name="admin", password=PASSWORD, role="管理员")
    set_login_required(True)
    close_database()


def comparable(snapshot: dict) -> dict:
    """Every table but the audit log, which the copy itself adds to; numbers as numbers (PostgreSQL keeps the
    column's scale: 10000 comes back as 10000.0000)."""
    def same(value: str) -> str:
        try:
            return str(Decimal(value).normalize())
        except ArithmeticError:
            return value

    return {table: sorted(tuple(same(v) for v in row) for row in rows)
            for table, rows in snapshot.items() if table != "audit_log"}


def target_is_empty(url: str) -> bool:
    """Nothing but the schema version in the target (or not even its tables)."""
    open_database(url)
    try:
        snapshot = table_snapshot()
    finally:
        close_database()
    return all(not rows for table, rows in snapshot.items() if table != "setting") and len(snapshot["setting"]) == 1


def test_everything_is_copied_and_the_target_goes_on_working(office, pg_url):
    source, shown, before = office
    unchanged = source.read_bytes()
    report = transfer.copy_database(source=source, target=pg_url, user="it")
    assert report.unit == (DISTRICT, "环翠区")
    assert report.rows == {table: len(rows) - (table == "setting") for table, rows in before.items()}
    after = table_snapshot()
    assert comparable(after) == comparable(before)
    assert readings() | {"audit": None} == shown | {"audit": None}  # the same months, computed columns and returns
    assert readings()["audit"][1:] == shown["audit"]
    line = audit_entries(1)[0]
    assert (line.action, line.entity, line.entity_key, line.user) == ("copy", "database", DISTRICT, "it")
    assert str(source.resolve()) in line.reason and "环翠区（371002）" in line.reason and line.new == pg_url
    assert [s.value for s in m.Setting.select().where(m.Setting.key == "schema_version")] == ["2"]
    # New rows get new ids (the sequences were moved past the copied ones), and the month locks still hold.
    biggest = m.Entry.select(peewee.fn.MAX(m.Entry.id)).scalar()
    save_row(unit_code="371002003", period=P, form_id="events", row_key=None,
             values={"date": "2025-10-20", "type": "汽车促销", "name": "竹岛车展", "visitors": 300})
    assert m.Entry.get(m.Entry.unit == "371002003").id > biggest
    assert [r.values["name"] for r in form_rows(unit_code="371002003", period=P, form_id="events")] == ["竹岛车展"]
    with pytest.raises(LockedError):
        save_row(unit_code=DISTRICT, period=P, form_id="tasks", row_key="1", values={"narrative": "改"})
    close_database()
    assert source.read_bytes() == unchanged  # the source is never changed


def test_a_sqlite_file_can_be_the_target_too(office, tmp_path):
    source, shown, before = office
    target = tmp_path / "moved" / "liangxin.sqlite3"
    report = transfer.copy_database(source=source, target=target)
    assert report.total == sum(len(rows) for rows in before.values()) - 1
    assert readings() | {"audit": None} == shown | {"audit": None}
    close_database()
    with pytest.raises(DataError, match="就是要复制到的数据库本身"):
        transfer.copy_database(source=source, target=source)


def test_months_of_data_go_in_several_statements_and_arrive_whole(tmp_path, pg_url):
    from desktop.sample import make_sample_database  # no Qt: the sample data is core code in the desktop package

    source = tmp_path / "district.sqlite3"
    make_sample_database(source, level="district", period=P)
    before = table_snapshot()
    close_database()
    assert len(before["entry"]) > transfer.CHUNK > rawsql.BATCH_ROWS  # read in chunks, written in several statements
    report = transfer.copy_database(source=source, target=pg_url)
    assert report.rows["entry"] == len(before["entry"])
    assert comparable(table_snapshot()) == comparable(before)


def test_every_table_of_the_schema_is_copied_and_named(office, pg_url):
    assert {model._meta.table_name for model in transfer.copy_order()} == {model._meta.table_name for model in m.ALL_MODELS}
    assert set(transfer.TABLE_LABELS) == {model._meta.table_name for model in m.ALL_MODELS}, "name a new table for people"
    order = [model._meta.table_name for model in transfer.copy_order()]
    assert order.index("org_unit") < order.index("entry") and order.index("plan_record") < order.index("task_record")


def test_a_target_of_another_unit_is_refused_and_left_alone(office, pg_url):
    source, _, _ = office
    open_database(pg_url)
    initialise(plan_id="huancui", unit_code="371003", unit_name="文登区", level="district")
    before = table_snapshot()
    close_database()
    with pytest.raises(DataError, match="已有数据（本单位 文登区，代码 371003）：只能复制到空的数据库"):
        transfer.copy_database(source=source, target=pg_url)
    open_database(pg_url)
    assert table_snapshot() == before


def test_a_target_with_rows_but_no_unit_of_its_own_is_refused_too(office, pg_url):
    source, _, _ = office
    open_database(pg_url)
    add_unit(code="371003", name="文登区", level="district")
    before = table_snapshot()
    close_database()
    with pytest.raises(DataError, match="已有数据（单位、操作记录）"):
        transfer.copy_database(source=source, target=pg_url)
    assert table_snapshot() == before


def test_a_failure_half_way_leaves_the_target_empty_and_the_source_as_it_was(office, pg_url, monkeypatch):
    source, _, _ = office
    unchanged = source.read_bytes()

    real = rawsql.insert_records

    def disk_full(model, rows):
        if model is m.ReturnRecord:
            raise peewee.OperationalError("could not extend file: No space left on device")
        real(model, rows)

    monkeypatch.setattr(rawsql, "insert_records", disk_full)
    assert transfer.copy_order().index(m.ReturnRecord) > transfer.copy_order().index(m.Entry)  # entries went in before
    with pytest.raises(DataError, match=r"复制报表记录（表 return_record）时 postgresql://.* 拒收了数据，已撤销复制、未做任何改动："
                                        "could not extend file"):
        transfer.copy_database(source=source, target=pg_url)
    assert target_is_empty(pg_url)  # entries, units and plan rolled back with it
    assert source.read_bytes() == unchanged
    monkeypatch.undo()
    transfer.copy_database(source=source, target=pg_url)  # and it can simply be run again
    assert own_unit().code == DISTRICT


def test_a_problem_found_by_the_check_afterwards_rolls_the_copy_back(office, pg_url, monkeypatch):
    source, _, _ = office
    real = transfer.integrity_problems
    monkeypatch.setattr(transfer, "integrity_problems",
                        lambda: ["表 entry 第 7 条记录不对"] if isinstance(m.database.obj, peewee.PostgresqlDatabase) else real())
    with pytest.raises(SchemaError, match="检查发现问题，已撤销复制：表 entry 第 7 条记录不对"):
        transfer.copy_database(source=source, target=pg_url)
    assert target_is_empty(pg_url)


def test_an_older_programs_file_is_upgraded_on_a_copy_only(tmp_path, pg_url):
    source = tmp_path / "old.sqlite3"
    shutil.copy(V1, source)
    unchanged = source.read_bytes()
    report = transfer.copy_database(source=source, target=pg_url)
    assert report.rows["entry"] > 0 and report.rows["user"] == 0
    task = form_rows(unit_code="371002001", period="2025-09", form_id="tasks")[0]
    assert task.values["narrative"] == "开展一对一诊断5家"
    assert m.ReturnRecord.select().count() == report.rows["return_record"]
    close_database()
    assert source.read_bytes() == unchanged
    assert not list(tmp_path.glob("*.before-v2.sqlite3"))  # the upgrade's safety copy stayed with the temporary one


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("not a database" * 100), "不是 SQLite 数据库文件"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "不是两新填报的数据库"),
    (lambda p: None, "文件不存在"),
    (lambda p: p.mkdir(), "它是文件夹"),
])
def test_a_source_that_is_not_an_office_database_is_refused(tmp_path, pg_url, make, message):
    source = tmp_path / "source.sqlite3"
    make(source)
    with pytest.raises(DataError, match=f"不能从 {source} 复制：.*{message}"):
        transfer.copy_database(source=source, target=pg_url)
    assert target_is_empty(pg_url)


def test_a_damaged_file_and_a_newer_programs_file_are_refused(office, tmp_path, pg_url):
    from tests.conftest import corrupt_database

    newer = tmp_path / "newer.sqlite3"
    shutil.copy(office[0], newer)
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE setting SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DataError, match="结构版本 99 比本程序的 2 新"):
        transfer.copy_database(source=newer, target=pg_url)
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copy(office[0], damaged)
    corrupt_database(damaged)
    with pytest.raises(DataError, match=f"不能从 {damaged} 复制"):
        transfer.copy_database(source=damaged, target=pg_url)
    with pytest.raises(DataError, match="读取本机的 SQLite 数据库文件；两个 PostgreSQL 数据库之间请用 pg_dump"):
        transfer.copy_database(source=pg_url, target=pg_url)
    assert target_is_empty(pg_url)


def test_with_login_on_only_an_administrator_of_the_source_may_copy_it(office, pg_url):
    source, _, _ = office
    with_login(source)
    unchanged = source.read_bytes()
    with pytest.raises(PermissionDenied, match="源数据库已启用登录"):
        transfer.copy_database(source=source, target=pg_url)
    with pytest.raises(PermissionDenied, match="填报员 li 无权复制整个数据库"):
        transfer.copy_database(source=source, target=pg_url, user="li", password=PASSWORD)
    with pytest.raises(PermissionDenied, match="用户名或密码不正确"):
        transfer.copy_database(source=source, target=pg_url, user="admin", password="not the password")
    assert source.read_bytes() == unchanged and target_is_empty(pg_url)
    report = transfer.copy_database(source=source, target=pg_url, user="admin", password=PASSWORD)
    assert audit_entries(1)[0].user == "admin"
    # What was copied is the source's: the logins checked above left nothing in it (nor in the source).
    assert report.rows["audit_log"] == m.AuditLog.select().count() - 1
    assert not m.AuditLog.select().where(m.AuditLog.action.in_(["login", "refused:login", "logout"])).exists()
    assert m.Setting.get(m.Setting.key == "login_required").value == "on"
    close_database()
    assert source.read_bytes() == unchanged


def test_the_command_line_copies_and_says_what(office, pg_url, capsys):
    source, _, before = office
    assert main(["--db", pg_url, "copy-from", str(source)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"已把 {source} 中环翠区（{DISTRICT}）的数据复制到 postgresql://")
    assert f"：单位 4，填报数据 {len(before['entry'])}，" in out and "，已核对" in out
    assert main(["--db", pg_url, "copy-from", str(source)]) == 1  # a second time: the target is no longer empty
    err = capsys.readouterr().err
    assert err.startswith("liangxin copy-from：错误：") and "已有数据（本单位 环翠区" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    ([], "请用 --db 给出要复制到的数据库"),
    (["--db", "PG", "copy-from", "nowhere.sqlite3"], "不能从 nowhere.sqlite3 复制：文件不存在"),
    (["--db", "postgresql://127.0.0.1:1/test?schema=x"], "无法连接 postgresql://127.0.0.1:1/test?schema=x"),
])
def test_the_command_line_refuses_bad_input_in_words(office, pg_url, capsys, args, message):
    source = office[0]
    args = [pg_url if a == "PG" else a for a in args] or []
    argv = args if "copy-from" in args else [*args, "copy-from", str(source)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("liangxin copy-from：错误：") and message in err and "Traceback" not in err
    assert target_is_empty(pg_url)


def test_the_command_line_logs_in_to_the_source(office, pg_url, capsys, monkeypatch):
    source = office[0]
    with_login(source)
    assert main(["--db", pg_url, "copy-from", str(source)]) == 1
    assert "已启用登录：只有它的管理员可以复制它，请用 --user" in capsys.readouterr().err
    assert main(["--db", pg_url, "--user", "admin", "copy-from", str(source)]) == 1  # tests have no terminal
    assert "请在环境变量 LIANGXIN_PASSWORD 中给出 admin 的密码" in capsys.readouterr().err
    monkeypatch.setenv("LIANGXIN_PASSWORD", PASSWORD)
    assert main(["--db", pg_url, "--user", "li", "copy-from", str(source)]) == 1
    assert "填报员 li 无权复制整个数据库" in capsys.readouterr().err
    assert target_is_empty(pg_url)
    assert main(["--db", pg_url, "--user", "admin", "copy-from", str(source)]) == 0
    assert "已把" in capsys.readouterr().out


def test_a_connection_lost_half_way_is_reported_in_words_and_leaves_the_target_empty(office, pg_url, capsys):
    source = office[0]
    real = rawsql.insert_records

    def server_gone(model, rows):
        if model is m.ReturnRecord:  # the server ends this connection, as a restart or a network cut would
            m.database.execute_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        real(model, rows)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rawsql, "insert_records", server_gone)
        assert main(["--db", pg_url, "copy-from", str(source)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "InterfaceError" not in err
    assert "复制报表记录（表 return_record）时" in err and "已撤销复制、未做任何改动" in err
    close_database()
    assert target_is_empty(pg_url)
