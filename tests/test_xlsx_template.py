"""Blank templates: protection, validation and metadata; filled by hand (openpyxl, as Excel or WPS would) and read back."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.packaging.custom import CustomPropertyList

from forms import all_forms, get_form
from models.entries import canonical_data, form_rows, replace_period_data
from models.periods import period_bounds
from reports import xlsx_layout as lay
from reports.cli import main
from reports.xlsx_meta import META_SHEET
from reports.xlsx_reader import ReturnReadError, read_return
from reports.xlsx_template import BLANK_EVENT_ROWS, export_template
from tests.conftest import TOWN, table_snapshot
from tests.xlsx_samples import NOW, SIGNATORIES, P

EXCEL_EPOCH = dt.date(1899, 12, 30)


@pytest.fixture
def template(sqlite_db, tmp_path):
    return export_template(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW)


def _layout(form_id: str) -> lay.SheetLayout:
    return lay.sheet_layout(get_form(form_id))


def _data_rows(form_id: str) -> range:
    form, lt = get_form(form_id), _layout(form_id)
    count = {"plan_tasks": 27, "events": BLANK_EVENT_ROWS, "indicators": len(form.indicators)}[form.rows]
    return range(lt.first_data_row + 1, lt.first_data_row + 1 + count)  # 1-based Excel rows


def _cell(ws, form_id: str, key: str, index: int):
    """The cell of field `key` in the index-th data row (0-based)."""
    lt = _layout(form_id)
    return ws.cell(lt.first_data_row + 1 + index, lt.column(key).index + 1)


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_only_input_cells_are_unlocked(template, form_id):
    form = get_form(form_id)
    ws = openpyxl.load_workbook(template)[form.sheet_name]
    assert ws.protection.sheet and not ws.protection.password  # protected, no password needed to fill
    lt = _layout(form_id)
    for r in _data_rows(form_id):
        for col in lt.columns:
            assert ws.cell(r, col.index + 1).protection.locked == (not col.field.editable), (r, col.field.key)
    for r in range(1, lt.first_data_row + 1):
        assert all(ws.cell(r, c.index + 1).protection.locked for c in lt.columns)
    variable = form.rows == "events"
    assert ws.protection.insertRows == (not variable)  # openpyxl: True means "protected against"
    assert ws.protection.formatColumns is False and ws.protection.formatRows is False


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_every_input_cell_has_validation(template, form_id):
    ws = openpyxl.load_workbook(template)[get_form(form_id).sheet_name]
    lt = _layout(form_id)
    rows = _data_rows(form_id)
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    first_day, last_day = period_bounds(P)
    for col in lt.input_columns:
        letter = openpyxl.utils.get_column_letter(col.index + 1)
        dv = by_range.pop(f"{letter}{rows.start}:{letter}{rows.stop - 1}")
        f = col.field
        assert dv.promptTitle and dv.prompt
        if f.type == "choice":
            assert dv.type == "list" and dv.formula1 == '"' + ",".join(f.choices) + '"'
        elif f.type == "date":
            assert dv.type == "date" and dv.operator in (None, "between")
            days = [EXCEL_EPOCH + dt.timedelta(days=int(float(x))) for x in (dv.formula1, dv.formula2)]
            assert days == [first_day, last_day]
        elif f.type == "integer":
            assert dv.type == "whole" and float(dv.formula1) == (f.min if f.min is not None else -1e15)
        elif f.numeric:
            assert dv.type == "decimal" and float(dv.formula1) == (f.min if f.min is not None else -1e15)
        else:
            assert dv.type is None  # free text: a prompt only
        if dv.type:
            assert dv.showErrorMessage and dv.error
    assert by_range == {}  # nothing but the input columns is validated


def test_template_metadata_and_blank_read(template):
    wb = openpyxl.load_workbook(template)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["liangxin.kind"] == "template" and props["liangxin.revision"] == "0"
    assert "liangxin.content_hash" not in props
    back = read_return(template)
    assert (back.kind, back.unit_code, back.period, back.revision, back.return_uuid, back.stated_hash) == \
        ("template", TOWN, P, 0, None, None)
    assert back.data["events"] == []
    assert all(v is None for row in back.data["tasks"] + back.data["figures"] for k, v in row.items() if k != "row_key")
    assert [r["row_key"] for r in back.data["tasks"]] == [str(i) for i in range(1, 28)]
    assert template.name == "两新月报空白模板_371002001_环翠楼街道_2025-10.xlsx"


def test_signatories_are_left_blank_for_another_unit(district_db, tmp_path):
    from models.units import set_setting

    for key, value in SIGNATORIES.items():
        set_setting(key, value)
    path = export_template(unit_code="371002002", period=P, out_dir=tmp_path / "out", now=NOW)
    ws = openpyxl.load_workbook(path)["表2"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "单位负责人：\u3000\u3000\u3000\u3000" in texts and not any("王建国" in t for t in texts)
    assert "填报单位（盖章）：鲸园街道" in texts and "报出日期：\u3000\u3000年\u3000\u3000月\u3000\u3000日" in texts


def _fill_tolerantly(path):
    """Fill a template the way people do: text numbers, full-width digits, separators, dashes, spaces, gaps."""
    wb = openpyxl.load_workbook(path)
    tasks = wb["表1"]
    _cell(tasks, "tasks", "status", 0).value = " 推进中 "
    _cell(tasks, "tasks", "achieved", 0).value = "３"
    _cell(tasks, "tasks", "narrative", 0).value = "\u3000已摸排企业12家  "
    _cell(tasks, "tasks", "achieved", 1).value = "1,234.5"
    _cell(tasks, "tasks", "status", 1).value = "已完成"
    tasks.insert_rows(_layout("tasks").first_data_row + 4, 2)  # two empty rows pushed in after task 3
    events = wb["表2"]
    _cell(events, "events", "date", 0).value = "2025年10月8日"
    _cell(events, "events", "type", 0).value = "汽车下乡展销"
    _cell(events, "events", "name", 0).value = "下乡车展"
    _cell(events, "events", "enterprises", 0).value = "—"
    _cell(events, "events", "visitors", 0).value = "1,200"
    _cell(events, "events", "deals", 0).value = " 85 "
    _cell(events, "events", "sales", 0).value = "１２３.４"
    # row 2 left empty, as people do; row 3 typed with real numbers and a real date
    _cell(events, "events", "date", 2).value = dt.datetime(2025, 10, 20)
    _cell(events, "events", "type", 2).value = "家装换新"
    _cell(events, "events", "name", 2).value = "家装节"
    _cell(events, "events", "visitors", 2).value = 300
    _cell(events, "events", "sales", 2).value = 45.5
    _cell(events, "events", "subsidies", 2).value = 2
    events.title = "促消费活动"  # a renamed sheet
    figures = wb["表3"]
    _cell(figures, "figures", "current", 0).value = "1 200"
    _cell(figures, "figures", "base_2023", 0).value = 10000
    _cell(figures, "figures", "current", 9).value = "356.78"
    wb.save(path)


def test_filled_template_is_read_tolerantly(template):
    _fill_tolerantly(template)
    back = read_return(template)
    assert back.kind == "template" and back.unit_code == TOWN
    tasks = {r["row_key"]: r for r in back.data["tasks"]}
    assert tasks["1"] == {"row_key": "1", "status": "推进中", "achieved": "3", "narrative": "已摸排企业12家",
                          "problems": None, "next_steps": None, "explanation": None}
    assert tasks["2"]["achieved"] == "1234.5" and tasks["2"]["status"] == "已完成"
    assert tasks["3"]["achieved"] is None
    assert back.data["events"] == [
        {"row_key": "", "date": "2025-10-08", "type": "汽车下乡展销", "name": "下乡车展", "place": None,
         "organiser": None, "enterprises": 0, "visitors": 1200, "deals": 85, "sales": "123.4", "subsidies": "0",
         "explanation": None},
        {"row_key": "", "date": "2025-10-20", "type": "家装换新", "name": "家装节", "place": None, "organiser": None,
         "enterprises": 0, "visitors": 300, "deals": 0, "sales": "45.5", "subsidies": "2", "explanation": None},
    ]
    figures = {r["row_key"]: r for r in back.data["figures"]}
    assert figures["appliance_recycling"]["current"] == "1200" and figures["appliance_recycling"]["base_2023"] == "10000"
    assert figures["equipment_investment"]["current"] == "356.78"
    assert figures["nev_stock"]["current"] is None  # an untouched row stays unreported
    assert [w.message for w in back.warnings] == ["工作表“表2”被改名为“促消费活动”"]


def test_filled_template_becomes_the_units_records(template):
    _fill_tolerantly(template)
    back = read_return(template)
    replace_period_data(unit_code=back.unit_code, period=back.period, data=back.data, action="merge")
    stored = canonical_data(unit_code=TOWN, period=P)
    assert [e["name"] for e in stored["events"]] == ["下乡车展", "家装节"]
    rows = {r.row_key: r for r in form_rows(unit_code=TOWN, period=P, form_id="tasks")}
    assert rows["1"].values["achieved"] == Decimal(3) and rows["1"].values["status"] == "推进中"


def test_bad_cells_are_named_by_file_sheet_and_cell(template):
    wb = openpyxl.load_workbook(template)
    ev = wb["表2"]
    row = lambda i: {k: _cell(ev, "events", k, i) for k in ("date", "type", "name", "visitors", "deals")}  # noqa: E731
    r0, r1, r2 = row(0), row(1), row(2)
    r0["date"].value, r0["type"].value, r0["name"].value, r0["deals"].value = "2025-10-05", "汽车促销", "车展", "abc"
    r1["date"].value, r1["type"].value, r1["name"].value = "昨天", "差不多", "x"
    r2["date"].value, r2["type"].value, r2["visitors"].value = "2025-10-06", "其他", -5
    lt = _layout("events")
    totals = lt.first_data_row + BLANK_EVENT_ROWS + 1  # 1-based
    ev.insert_rows(totals + 1)  # a row inserted under 合计, and typed in
    below = ev.cell(totals + 1, lt.column("visitors").index + 1)
    below.value = 7
    wb["表3"].cell(lt.first_data_row + 1, 3).value = "12件"
    wb.save(template)
    before = table_snapshot()
    with pytest.raises(ReturnReadError) as exc:
        read_return(template)
    found = [(p.sheet, p.cell, p.message) for p in exc.value.problems]
    first = lt.first_data_row + 1
    assert found == [
        ("表2", f"H{first}", "“abc”不是数字"),
        ("表2", f"A{first + 1}", "“昨天”不是日期（如 2025-10-05 或 2025年10月5日）"),
        ("表2", f"B{first + 1}", "“差不多”不是可选项，请从 汽车促销/汽车下乡展销/家电以旧换新/家装换新/其他 中选一个"),
        ("表2", f"C{first + 2}", "活动名称必须填写"),
        ("表2", f"G{first + 2}", "参与人数不能小于0"),
        ("表2", below.coordinate, "合计行下方的数值不属于表格；请在合计行上方插入行"),
        ("表3", f"C{_layout('figures').first_data_row + 1}", "“12件”不是数字"),
    ]
    assert f"{template.name}: 表2!H{first}: “abc”不是数字" in str(exc.value)
    assert all(p.file == str(template) for p in exc.value.problems)
    assert table_snapshot() == before


def test_a_percent_sign_in_a_field_that_is_not_a_rate_is_a_problem_of_its_cell(template):
    wb = openpyxl.load_workbook(template)
    _cell(wb["表1"], "tasks", "achieved", 3).value = "95.5%"  # a text cell: the sign is kept as typed
    _cell(wb["表3"], "figures", "current", 2).value = "50%"
    wb.save(template)
    before = table_snapshot()
    with pytest.raises(ReturnReadError) as exc:
        read_return(template)
    found = [(p.sheet, p.cell, p.message) for p in exc.value.problems]
    assert found == [
        ("表1", _cell(wb["表1"], "tasks", "achieved", 3).coordinate, "完成值请只填数字，不要带 %（“95.5%”请填 95.5）"),
        ("表3", _cell(wb["表3"], "figures", "current", 2).coordinate, "本期请只填数字，不要带 %（“50%”请填 50）"),
    ]
    assert table_snapshot() == before


def test_a_text_longer_than_excel_holds_is_a_problem_of_its_cell(template):
    wb = openpyxl.load_workbook(template)
    _cell(wb["表1"], "tasks", "status", 1).value = "推进中"
    cell = _cell(wb["表1"], "tasks", "narrative", 1)
    cell.value = "LONG_TEXT"
    wb.save(template)
    # openpyxl cuts a text at Excel's limit; another program may not, so the cell's XML is written by hand.
    with zipfile.ZipFile(template) as zf:
        parts = {info: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            zf.writestr(info, data.replace(b"LONG_TEXT", ("进" * 32768).encode()))
    before = table_snapshot()
    with pytest.raises(ReturnReadError) as exc:
        read_return(template)
    assert [(p.sheet, p.cell, p.message) for p in exc.value.problems] == [
        ("表1", cell.coordinate, "进展情况最多 32,767 个字（现有 32,768 个字）")]
    assert table_snapshot() == before


def test_a_fraction_of_a_count_is_a_problem_of_its_cell(template):
    wb = openpyxl.load_workbook(template)
    figures = wb["表3"]
    _cell(figures, "figures", "current", 0).value = 12.5  # 废旧家电回收量, in 台
    _cell(figures, "figures", "base_2023", 1).value = "9,800.5"  # 报废汽车回收拆解量, in 辆
    _cell(figures, "figures", "current", 9).value = 356.78  # 设备投资额, in 万元: two decimals are its own
    wb.save(template)
    before = table_snapshot()
    with pytest.raises(ReturnReadError) as exc:
        read_return(template)
    assert [(p.sheet, p.cell, p.message) for p in exc.value.problems] == [
        ("表3", _cell(figures, "figures", "current", 0).coordinate, "废旧家电回收量以“台”计，本期须为整数"),
        ("表3", _cell(figures, "figures", "base_2023", 1).coordinate, "报废汽车回收拆解量以“辆”计，2023年基数须为整数"),
    ]
    assert table_snapshot() == before


def test_not_a_workbook_is_refused(tmp_path, sqlite_db):
    fake = tmp_path / "return.xlsx"
    fake.write_text("not a spreadsheet", encoding="utf-8")
    with pytest.raises(ReturnReadError, match=r"return.xlsx: 无法作为 .xlsx 工作簿读取"):
        read_return(fake)
    with pytest.raises(ReturnReadError, match="文件不存在"):
        read_return(tmp_path / "missing.xlsx")


def test_missing_sheet_and_moved_columns_are_refused(template):
    wb = openpyxl.load_workbook(template)
    del wb["表3"]
    wb["表1"].insert_cols(3)
    wb.save(template)
    with pytest.raises(ReturnReadError) as exc:
        read_return(template)
    messages = [(p.sheet, p.message) for p in exc.value.problems]
    assert ("表1", "两新1表 推动大规模设备更新和消费品以旧换新重点任务推进情况 的栏目标题不在表式规定的位置"
                   "（栏目被移动、插入或删除？）") in messages
    assert ("表3", "缺少工作表：两新3表 回收循环利用与以旧换新情况") in messages


def test_without_metadata_the_printed_lines_identify_the_return(template):
    wb = openpyxl.load_workbook(template)
    _cell(wb["表3"], "figures", "current", 1).value = 40
    _cell(wb["表1"], "tasks", "status", 4).value = "滞后"
    del wb[META_SHEET]
    wb.custom_doc_props = CustomPropertyList()
    wb.save(template)
    back = read_return(template)
    assert (back.kind, back.unit_code, back.unit_name, back.period) == ("template", TOWN, "环翠楼街道", P)
    assert {r["row_key"]: r["current"] for r in back.data["figures"]}["scrapped_vehicles"] == "40"
    assert {r["row_key"]: r["status"] for r in back.data["tasks"]}["5"] == "滞后"
    assert any("没有找到报表的隐藏信息" in w.message for w in back.warnings)


def test_disagreeing_metadata_is_refused(template):
    wb = openpyxl.load_workbook(template)
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "unit_code":
            row[1].value = "371002999"
    wb.save(template)
    with pytest.raises(ReturnReadError, match="中的 unit_code 不一致"):
        read_return(template)


def test_another_form_version_is_refused(template):
    wb = openpyxl.load_workbook(template)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "form" and row[1].value == "events":
            row[2].value = "9"
    for prop in wb.custom_doc_props.props:
        if prop.name == "liangxin.forms":
            prop.value = prop.value.replace("events@1", "events@9")
    wb.save(template)
    with pytest.raises(ReturnReadError, match="两新2表 按第 9 版表式填写，本程序读取第 1 版"):
        read_return(template)


def test_cli_template_prints_the_path(sqlite_db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--db", str(sqlite_db), "template", "--unit-code", TOWN, "--period", P, "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(out / "两新月报空白模板_371002001_环翠楼街道_2025-10.xlsx")
    assert read_return(printed).kind == "template"
    assert main(["--db", str(sqlite_db), "template", "--unit-code", "nope", "--period", P, "--out", str(out)]) == 1
    assert "没有单位 nope" in capsys.readouterr().err
