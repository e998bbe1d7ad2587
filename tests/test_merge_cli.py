"""`liangxin merge`, `conflicts`, `resolve` and `reopen-return` on real files, as IT or a script runs them."""

from __future__ import annotations

import json

import pytest

from models import db as m
from reports.cli import main
from tests.conftest import TOWN, table_snapshot
from tests.merge_samples import TOWNS, P, export_months, month, snapshot_but_audit


@pytest.fixture
def files(district_db, tmp_path):
    """Two townships' returns, a newer revision of the first, a rival copy of the second, and a text file."""
    source = tmp_path / "townships.sqlite3"
    first, second, newer = export_months(tmp_path / "a", [(TOWN, P, month(0)), ("371002002", P, month(1)),
                                                           (TOWN, P, month(2))], db_path=source)
    [rival] = export_months(tmp_path / "b", [("371002002", P, month(3))], db_path=tmp_path / "elsewhere.sqlite3")
    text = tmp_path / "说明.xlsx"
    text.write_text("请查收", encoding="utf-8")
    return {"first": first, "second": second, "newer": newer, "rival": rival, "text": text}


def run(db, *args) -> int:
    return main(["--db", str(db), "--user", "审核员甲", *map(str, args)])


def test_merge_json_lists_one_object_per_file_and_exits_1_on_rejection(district_db, files, capsys):
    code = run(district_db, "merge", "--json", files["first"], files["second"], files["text"])
    assert code == 1
    doc = json.loads(capsys.readouterr().out)
    assert [d["verdict"] for d in doc] == ["accepted", "accepted", "rejected"]
    assert set(doc[0]) >= {"file", "verdict", "unit_code", "period", "form_ids", "reasons", "flags"}
    assert doc[0]["unit_code"] == TOWN and doc[0]["form_ids"] == ["tasks", "events", "figures"]
    assert doc[2]["reasons"] == ["说明.xlsx: 这是文本文件改了扩展名，不是 .xlsx 工作簿；请发送程序导出的 Excel 报表"]
    assert run(district_db, "merge", files["newer"]) == 0
    out = capsys.readouterr().out
    assert "已替换旧版" in out and TOWNS[TOWN] in out and "第 2 版替换了第 1 版" in out


def test_dry_run_prints_the_same_verdicts_and_stores_nothing(district_db, files, capsys):
    before = table_snapshot()
    assert run(district_db, "merge", "--dry-run", files["first"], files["second"]) == 0
    out = capsys.readouterr().out
    assert out.count("已接收") == 3 and "试运行，未保存" in out  # two lines and the tally
    assert table_snapshot() == before


def test_conflict_listed_and_resolved_from_the_command_line(district_db, files, capsys):
    run(district_db, "merge", files["second"])
    assert run(district_db, "merge", files["rival"]) == 0
    assert "冲突" in capsys.readouterr().out
    assert run(district_db, "conflicts", "--json") == 0
    [pending] = json.loads(capsys.readouterr().out)
    assert pending["unit_code"] == "371002002" and pending["period"] == P
    assert run(district_db, "resolve", pending["id"], "--take", "--reason", "电话核实") == 0
    assert "已采用" in capsys.readouterr().out
    line = m.AuditLog.get(m.AuditLog.action == "resolve:take")
    assert (line.user, line.reason) == ("审核员甲", "电话核实")
    assert run(district_db, "conflicts") == 0 and "没有待决的冲突" in capsys.readouterr().out
    assert run(district_db, "resolve", pending["id"], "--keep") == 1
    assert "待决冲突" in capsys.readouterr().err


def test_reopen_return_needs_a_reason_and_is_audited(district_db, files, capsys):
    run(district_db, "merge", files["first"])
    before = snapshot_but_audit()
    assert run(district_db, "reopen-return", "--unit-code", TOWN, "--period", P, "--reason", " ") == 1
    assert "理由" in capsys.readouterr().err and snapshot_but_audit() == before
    assert run(district_db, "reopen-return", "--unit-code", TOWN, "--period", P, "--reason", "表3有误") == 0
    line = m.AuditLog.get(m.AuditLog.action == "reopen", m.AuditLog.entity == "return")
    assert (line.user, line.reason) == ("审核员甲", "表3有误")


def test_unknown_unit_needs_confirm_unknown(district_db, files, tmp_path, capsys):
    m.Entry.delete().execute()
    m.OrgUnit.delete().where(m.OrgUnit.code == "371002002").execute()
    assert run(district_db, "merge", files["second"]) == 1
    assert "--confirm-unknown" in capsys.readouterr().out
    assert run(district_db, "merge", "--confirm-unknown", files["second"]) == 0
    assert m.OrgUnit.get(m.OrgUnit.code == "371002002").name == "鲸园街道"


def test_merge_takes_a_folder_and_a_pattern_typed_at_the_windows_prompt(district_db, files, tmp_path, capsys):
    received = tmp_path / "收到的报表"
    (received / "十月").mkdir(parents=True)
    (received / "十月" / files["first"].name).write_bytes(files["first"].read_bytes())
    (received / files["second"].name).write_bytes(files["second"].read_bytes())
    (received / "~$lock.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file while a return is open
    (received / f"._{files['second'].name}").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 4092)  # copied from a Mac
    (received / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (received / "说明.txt").write_text("请查收", encoding="utf-8")
    assert run(district_db, "merge", "--json", received) == 1
    doc = json.loads(capsys.readouterr().out)
    assert sorted(d["verdict"] for d in doc) == ["accepted", "accepted", "rejected"]
    [old] = [d for d in doc if d["verdict"] == "rejected"]
    assert old["file"].endswith("旧格式.xls") and "旧版 Excel 97-2003（.xls）" in old["reasons"][0]
    # cmd.exe passes the pattern on as typed: the program expands it (the lock file left out).
    assert run(district_db, "merge", "--json", received / "*.xlsx", received / "十月" / "*.xlsx") == 0
    assert [d["verdict"] for d in json.loads(capsys.readouterr().out)] == ["duplicate", "duplicate"]


def test_a_folder_or_pattern_with_no_return_is_refused_before_anything_is_merged(district_db, files, tmp_path, capsys):
    before = table_snapshot()
    (tmp_path / "空文件夹").mkdir()
    assert run(district_db, "merge", files["first"], tmp_path / "空文件夹", tmp_path / "十一月*.xlsx") == 1
    err = capsys.readouterr().err
    assert "没有找到报表文件（.xlsx）" in err and "空文件夹" in err and "十一月*.xlsx" in err
    assert table_snapshot() == before


def test_a_missing_file_is_refused_in_the_users_words(district_db, tmp_path, capsys):
    assert run(district_db, "merge", "--json", tmp_path / "没有这个文件.xlsx") == 1
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "rejected" and doc["reasons"] == ["没有这个文件.xlsx: 文件不存在（文件名或位置有误？）"]
