"""The core subcommands, run as a user runs them, in a child process where it matters."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models import db as m
from models.database import close_database, open_database
from models.errors import PlanError
from models.plans import BUILTIN_PLAN_IDS, builtin_plan, parse_plan
from reports.cli import main
from tests.conftest import table_snapshot

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, db=None):
    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    return subprocess.run([sys.executable, "-m", "desktop.launcher", *argv], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("plan_id", BUILTIN_PLAN_IDS)
def test_plan_show_json_lists_every_task(plan_id, capsys):
    assert main(["plan", "show", plan_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    plan = builtin_plan(plan_id)
    assert shown["id"] == plan_id
    assert [t["seq"] for t in shown["tasks"]] == list(range(1, len(plan.tasks) + 1))
    assert [t["no"] for t in shown["tasks"]] == [t.no for t in plan.tasks]
    first = shown["tasks"][0]
    assert set(first) >= {"seq", "no", "section", "title", "lead_units", "responsible_units", "category", "targets"}
    assert set(shown) >= {"jurisdiction", "issuing_body", "document_no", "issued", "parent_plan",
                          "overall_targets", "event_targets", "annex"}


def test_plans_and_unknown_plan(capsys):
    assert main(["plans"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 5
    assert main(["plan", "show", "nowhere"]) == 1
    assert "没有内置方案“nowhere”" in capsys.readouterr().err


def test_init_unit_add_load_check_in_child_processes(tmp_path):
    db = tmp_path / "cli.sqlite3"
    out = run_cli("init", "--plan", "taishan", "--unit-code", "370902", "--unit-name", "泰山区", "--level", "district", db=db)
    assert out.returncode == 0, out.stderr
    assert run_cli("unit", "add", "--code", "370902001", "--name", "岱庙街道", "--level", "town",
                   "--parent-code", "370902", db=db).returncode == 0
    bad = run_cli("unit", "add", "--code", "370902009", "--name", "某镇", "--level", "town", "--parent-code", "999", db=db)
    assert bad.returncode == 1 and "上级单位 999 不存在" in bad.stderr
    data = tmp_path / "month.json"
    data.write_text(json.dumps({"unit_code": "370902001", "period": "2025-10",
                                "tasks": [{"no": "9", "status": "推进中", "narrative": "举办车展1场"}],
                                "events": [{"date": "2025-10-12", "type": "汽车促销", "name": "岱庙车展", "deals": 40}],
                                "figures": [{"indicator": "used_car_trades", "current": 410}]}, ensure_ascii=False),
                    encoding="utf-8")
    loaded = run_cli("load", data, db=db)
    assert loaded.returncode == 0, loaded.stderr
    check = run_cli("check", db=db)
    assert check.returncode == 0 and check.stdout.strip().endswith("ok")
    open_database(db)
    try:
        assert m.Entry.select().where(m.Entry.unit == "370902001").count() == 3
    finally:
        close_database()


def test_check_names_each_broken_record_in_chinese(tmp_path):
    import sqlite3

    db = tmp_path / "broken.sqlite3"
    assert run_cli("init", "--plan", "taishan", "--unit-code", "370902", "--unit-name", "泰山区", "--level", "district",
                   db=db).returncode == 0
    con = sqlite3.connect(db)  # foreign keys are off by default here: what a damaged file can hold
    con.execute("INSERT INTO entry (unit_id, period, form_id, row_key, data, version, updated_at, updated_by) "
                "VALUES ('999999', '2025-10', 'tasks', '1', '{}', 1, '2025-10-01', '')")
    con.commit()
    con.close()
    check = run_cli("check", db=db)
    assert check.returncode == 1
    assert "表 entry 第 1 条记录指向的 org_unit 记录不存在（外键失效）" in check.stdout
    assert check.stdout.strip().endswith("发现 1 处问题")


def test_check_of_a_server_that_does_not_answer_says_what_to_check_without_the_password(pg_url):
    wrong = pg_url.replace("@", ":geheim@", 1) if "@" in pg_url else pg_url
    wrong = wrong.replace(":5432/", ":5439/")  # nothing listens there
    assert ":5439/" in wrong
    check = run_cli("check", db=wrong)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "liangxin check：错误：无法连接 " in check.stderr and "请检查服务器地址、端口、数据库名" in check.stderr
    assert "geheim" not in check.stderr and "服务器的回答：" in check.stderr


@pytest.mark.parametrize("doc, message", [
    ("{not json", "第 1 行第 2 列：不是有效的 JSON"),
    ({"unit_code": "371002001", "period": "2025-10", "figures": [{"indicator": "moon_rocks", "current": 1}]},
     "figures[0].indicator：没有指标“moon_rocks”"),
    ({"unit_code": "371002001", "period": "2025-10", "events": [
        {"date": "2025-10-01", "type": "其他", "name": "好的"}, {"date": "2025-10-02", "type": "其他", "name": "坏的",
                                                            "visitors": "很多"}]},
     "表2 第 2 行 参与人数：“很多”不是数字"),
    ({"unit_code": "371002001", "period": "2025-10", "tasks": [{"no": "99", "status": "推进中"}]},
     "tasks[0]：没有序号为“99”的任务"),
    ({"unit_code": "nobody", "period": "2025-10"}, "本数据库中没有单位 nobody"),
    ({"unit_code": "371002001", "period": "10/2025"}, "应为月份，如 2025-10"),
    ({"unit_code": "371002001", "period": "2025-10", "tasks": [{"no": "1", "colour": "red"}]},
     "tasks[0]：不认识的栏目 colour"),
    ({"unit_code": "371002001", "period": "2025-10", "tasks": [{"no": "2", "status": "推进中", "narrative": "进展" * 17000}]},
     "进展情况最多 32,767 个字（现有 34,000 个字）"),
    ({"unit_code": "371002001", "period": "2025-10", "figures": [{"indicator": "appliance_recycling", "current": 12.5}]},
     "表3 第 1 行 本期：废旧家电回收量以“台”计，本期须为整数"),
])
def test_bad_load_file_changes_nothing(sqlite_db, tmp_path, capsys, doc, message):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"unit_code": "371002001", "period": "2025-10",
                                "events": [{"date": "2025-10-03", "type": "其他", "name": "原有活动"}]}), encoding="utf-8")
    assert main(["--db", str(sqlite_db), "load", str(good)]) == 0
    before = table_snapshot()
    bad = tmp_path / "bad.json"
    bad.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(sqlite_db), "load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert message in err and str(bad) in err
    assert table_snapshot() == before


def test_plan_problems_are_said_in_chinese_with_their_place():
    data = builtin_plan("huancui").model_dump(mode="json")
    del data["title"]
    data["issued"] = "2025-13-01"
    data["overall_targets"][0]["year"] = 2019
    data["tasks"][1]["title"] = ""
    data["tasks"][2]["owner"] = "区商务局"
    data["event_targets"][0]["min_count"] = "三"
    with pytest.raises(PlanError) as caught:
        parse_plan(data, source="mine.json")
    text = str(caught.value)
    assert text.startswith("方案文件有误：")
    for line in ("mine.json: title: 缺少这一项（必填）", "mine.json: issued: 应为日期，如 2025-10-31（现为 '2025-13-01'）",
                 "mine.json: overall_targets[0].year: 不能小于 2020（现为 2019）", "mine.json: tasks[1].title: 不能为空",
                 "mine.json: tasks[2].owner: 不认识这一项", "mine.json: event_targets[0].min_count: 应为整数（现为 '三'）"):
        assert line in text, (line, text)
    with pytest.raises(PlanError, match="文件内容应为一组字段"):
        parse_plan([], source="mine.json")


def test_a_plan_shown_as_json_imports_again_and_its_seq_numbers_are_checked(tmp_path, sqlite_db, capsys):
    assert main(["--db", str(sqlite_db), "plan", "show", "huancui", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["seq"] for t in data["tasks"]][:3] == [1, 2, 3]
    data["id"] = "huancui-2026"
    data["tasks"][0], data["tasks"][1] = data["tasks"][1], data["tasks"][0]  # moved without renumbering
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = table_snapshot()
    assert main(["--db", str(sqlite_db), "plan", "import", str(mine)]) == 1
    assert f"{mine}: tasks[0].seq: 应为 1" in capsys.readouterr().err
    assert table_snapshot() == before
    data["tasks"][0]["seq"], data["tasks"][1]["seq"] = 1, 2
    mine.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(sqlite_db), "plan", "import", str(mine)]) == 0
    stored = m.PlanRecord.get_by_id("huancui-2026")
    assert json.loads(stored.body)["tasks"][0]["title"] == data["tasks"][0]["title"]
    assert "seq" not in json.loads(stored.body)["tasks"][0]


def test_plan_file_errors_name_file_place_and_field(tmp_path, sqlite_db, capsys):
    data = json.loads((ROOT / "resources/plans/huancui.json").read_text(encoding="utf-8"))
    data["id"] = "mine"
    data["tasks"][3]["lead_units"] = "区商务局"
    data["tasks"][5]["category"] = "misc"
    bad = tmp_path / "mine.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = table_snapshot()
    assert main(["--db", str(sqlite_db), "plan", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: tasks[3].lead_units: 应为列表" in err
    assert f"{bad}: tasks[5].category: 应为以下之一：'equipment'、" in err and "（现为 'misc'）" in err
    assert table_snapshot() == before
    data["tasks"][3]["lead_units"] = ["区商务局"]
    data["tasks"][5]["category"] = "other"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(sqlite_db), "plan", "import", str(bad)]) == 0
    assert m.PlanRecord.get_by_id("mine").source == "imported"
