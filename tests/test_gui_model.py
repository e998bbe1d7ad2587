"""The generic table model: Qt's model tester on every form, and what its roles show."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop.entrypage import TaskFilter
from desktop.formmodel import (
    FINDINGS_ROLE,
    PLACEHOLDER_ROLE,
    ROW_KEY_ROLE,
    STATE_ROLE,
    VALUE_ROLE,
    CellState,
    FormTableModel,
    expand_date,
)
from forms import all_forms, get_form
from models import db as m
from models.entries import save_row, submit_period
from tests.conftest import TOWN
from tests.gui_support import P


def loaded(form_id: str, **kw) -> FormTableModel:
    model = FormTableModel(get_form(form_id))
    model.load(unit_code=TOWN, period=P, **kw)
    return model


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_model_passes_qt_model_tester(sqlite_db, qtmodeltester, form_id):
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
             values={"date": "2025-10-03", "type": "汽车促销", "name": "金秋车展", "sales": "12.5", "deals": 3})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中", "achieved": 3})
    model = loaded(form_id)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_filter_proxy_passes_qt_model_tester(sqlite_db, qtmodeltester):
    model = loaded("tasks")
    proxy = TaskFilter()
    proxy.setSourceModel(model)
    proxy.set_filter(status="未填", text="设备")
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < model.rowCount()


def test_columns_follow_the_declaration(sqlite_db):
    for form in all_forms():
        model = loaded(form.id)
        assert model.columnCount() == len(form.fields)
        for col, field in enumerate(form.fields):
            header = model.headerData(col, Qt.Orientation.Horizontal)
            assert header.startswith(field.label)
            if field.unit:
                assert field.unit in header
            editable = bool(model.flags(model.index(0, col)) & Qt.ItemFlag.ItemIsEditable)
            assert editable == field.editable, field.key


def test_events_have_a_blank_line_to_type_into(sqlite_db):
    model = loaded("events")
    assert model.rowCount() == 1 and model.row_at(0) is None
    assert model.index(0, 0).data(PLACEHOLDER_ROLE)
    assert model.headerData(0, Qt.Orientation.Vertical) == "＋"


def test_display_formats_and_computed_cells(sqlite_db):
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="equipment_investment",
             values={"current": "1234.5", "base_2023": "10000"})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中", "achieved": "3"})
    figures = loaded("figures")
    r = figures.row_of("equipment_investment")
    assert figures.index(r, figures.column_of("current")).data() == "1,234.50"  # 万元: two decimals
    assert figures.index(r, figures.column_of("current")).data(Qt.ItemDataRole.EditRole) == "1234.5"
    ytd = figures.index(r, figures.column_of("ytd"))
    assert ytd.data(STATE_ROLE) == CellState.COMPUTED
    assert not ytd.flags() & Qt.ItemFlag.ItemIsEditable
    tasks = loaded("tasks")
    percent = tasks.index(tasks.row_of("2"), tasks.column_of("percent"))
    assert percent.data() == "50.0%"
    assert percent.data(VALUE_ROLE) == Decimal("0.5")
    assert tasks.index(0, 0).data(ROW_KEY_ROLE) == "1"


def test_findings_are_on_their_cells(sqlite_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中"})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="3",
             values={"status": "已完成", "achieved": 1, "narrative": "完成"})
    model = loaded("tasks")
    narrative = model.index(model.row_of("2"), model.column_of("narrative"))
    assert narrative.data(STATE_ROLE) == CellState.HARD
    assert "进展情况" in narrative.data(Qt.ItemDataRole.ToolTipRole)
    assert [f.message for f in narrative.data(FINDINGS_ROLE)] == ["已启动的任务须填写进展情况"]
    achieved = model.index(model.row_of("3"), model.column_of("achieved"))
    assert achieved.data(STATE_ROLE) == CellState.SOFT
    explanation = model.index(model.row_of("3"), model.column_of("explanation"))
    assert explanation.data(STATE_ROLE) == CellState.SOFT
    assert explanation.data(PLACEHOLDER_ROLE) == "请填写说明"
    assert model.finding_counts() == (1, 1)


def test_a_locked_month_is_read_only(sqlite_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    submit_period(unit_code=TOWN, period=P)
    from models.entries import lock_reason

    model = loaded("tasks", read_only_reason=lock_reason(TOWN, P))
    assert not any(model.flags(model.index(0, c)) & Qt.ItemFlag.ItemIsEditable for c in range(model.columnCount()))
    outcome = model.edit_cells([(0, "achieved", "3")], text="x")
    assert not outcome.ok and "已锁定" in outcome.message
    events = loaded("events", read_only_reason="locked")
    assert events.rowCount() == 0  # no blank line to type into


@pytest.mark.parametrize("typed, expected", [
    ("5", "2025-10-05"), ("05日", "2025-10-05"), ("10-5", "2025-10-05"), ("10月5日", "2025-10-05"),
    ("10.31", "2025-10-31"), ("2025-10-07", "2025-10-07"), ("2025年10月7日", "2025年10月7日"), ("abc", "abc"),
    ("35", "35"), ("2-30", "2-30"), ("13-1", "13-1"), ("0", "0"),  # no such day: left as typed, for the refusal
])
def test_short_dates_are_days_of_the_reporting_month(typed, expected):
    assert expand_date(typed, P) == expected


def test_a_day_the_month_does_not_have_is_refused_quoting_what_was_typed(sqlite_db):
    model = loaded("events")
    outcome = model.edit_cells([(0, "date", "35")], text="日期")
    assert not outcome.ok
    assert "“35”不是日期" in outcome.message and "2025-10-35" not in outcome.message
    assert not m.Entry.select().where(m.Entry.form_id == "events").exists()


@pytest.mark.parametrize("text, rows", [
    ("a\tb\r\nc\td\r\n", [["a", "b"], ["c", "d"]]),
    ("one", [["one"]]),
    ('"第一行\n第二行"\tx\n', [["第一行\n第二行", "x"]]),  # Excel quotes a cell holding a line break
    ('"说""明"\t1', [['说"明', "1"]]),
    ("", []),
])
def test_text_copied_from_excel_or_wps(text, rows):
    from desktop.clipboard import parse_clipboard

    assert parse_clipboard(text) == rows


class _Delegate(QStyledItemDelegate):
    def option_for(self, index) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initStyleOption(option, index)
        return option


@pytest.mark.parametrize("through_filter", [False, True])
@pytest.mark.parametrize("form_id", ["tasks", "events", "figures"])
def test_the_delegate_reads_each_cell_in_one_call_as_data_gives_it_role_by_role(sqlite_db, form_id, through_filter):
    # Qt's delegate asks multiData() for seven roles at once (and the filter hands the request on); what it gets
    # must be what data() says role by role: text, colours, italics, alignment, on rows with findings and refusals.
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None, values={"date": "2025-10-03", "name": "车展"})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "已完成", "achieved": 3})
    model = loaded(form_id)
    model.edit_cells([(0, model.first_input_key if form_id != "tasks" else "achieved", "abc")], text="bad")
    view_model = model
    if through_filter:
        view_model = TaskFilter()
        view_model.setSourceModel(model)
    delegate = _Delegate()
    states = set()
    for r in range(view_model.rowCount()):
        for c in range(view_model.columnCount()):
            index = view_model.index(r, c)
            option = delegate.option_for(index)
            states.add(index.data(STATE_ROLE))
            assert option.text == (index.data() or "")
            background = index.data(Qt.ItemDataRole.BackgroundRole)
            if background is None:
                assert option.backgroundBrush.style() == Qt.BrushStyle.NoBrush
            else:
                assert option.backgroundBrush.color() == background
            ink = index.data(Qt.ItemDataRole.ForegroundRole)
            if ink is not None:
                assert option.palette.color(QPalette.ColorRole.Text) == ink
            font = index.data(Qt.ItemDataRole.FontRole)
            assert option.font.italic() == bool(font and font.italic())
            assert int(option.displayAlignment.value) == index.data(Qt.ItemDataRole.TextAlignmentRole)
    assert {CellState.REJECTED, CellState.COMPUTED if form_id != "events" else CellState.HARD} <= states
    assert not view_model.index(view_model.rowCount(), 0).isValid()  # rows and columns out of range give no index
    assert not view_model.index(0, view_model.columnCount()).isValid()
    assert not model.index(-1, 0).isValid() and not model.index(0, 0, model.index(0, 0)).isValid()
