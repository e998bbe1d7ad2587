"""沿用上月 in the core: which of last month's values a new month's untouched rows may start from."""

from decimal import Decimal

import pytest

from forms.schema import Field
from models.carry import carried_values, last_month_values
from models.entries import save_row
from models.frozen import ValidationError
from tests.conftest import TOWN


def save(period: str, key: str, **values) -> None:
    save_row(unit_code=TOWN, period=period, form_id="tasks", row_key=key, values=values)


def test_last_months_status_figures_and_texts_go_to_untouched_rows_only(any_db):
    save("2025-09", "1", status="推进中", achieved="3", narrative="已召开推进会", problems="资金未到位",
         next_steps="争取专项资金", explanation="九月的说明")
    save("2025-09", "2", status="已完成", achieved="8", narrative="已完成验收")
    save("2025-09", "3", status="未启动")
    save("2025-10", "2", narrative="十月已写")  # this month already begun for task 2: not touched
    carried = carried_values(unit_code=TOWN, period="2025-10", form_id="tasks")
    assert carried == {
        "1": {"status": "推进中", "achieved": Decimal(3), "narrative": "已召开推进会", "problems": "资金未到位",
              "next_steps": "争取专项资金"},  # the 说明 belongs to its month and stays there
        "3": {"status": "未启动"},
    }


def test_a_year_to_date_figure_does_not_go_on_into_january(sqlite_db):
    save("2025-12", "1", status="推进中", achieved="12", narrative="全年完成")
    assert carried_values(unit_code=TOWN, period="2026-01", form_id="tasks") == {
        "1": {"status": "推进中", "narrative": "全年完成"}}


def test_nothing_to_carry_from_an_empty_month_or_from_forms_that_declare_none(sqlite_db):
    assert carried_values(unit_code=TOWN, period="2025-10", form_id="tasks") == {}
    save_row(unit_code=TOWN, period="2025-09", form_id="events", row_key=None,
             values={"type": "汽车促销", "name": "秋季车展", "date": "2025-09-20"})
    assert carried_values(unit_code=TOWN, period="2025-10", form_id="events") == {}
    assert carried_values(unit_code=TOWN, period="2025-10", form_id="figures") == {}


def test_only_typed_fields_may_be_declared_carried():
    with pytest.raises(ValidationError, match="only typed"):
        Field.model_validate({"key": "percent", "label": "完成进度", "type": "percent", "source": "computed",
                              "carry": "always"})
    with pytest.raises(ValidationError):
        Field.model_validate({"key": "status", "label": "推进状态", "type": "text", "carry": "sometimes"})


def test_last_months_values_leave_a_year_to_date_figure_out_in_january(any_db):
    for period in ("2025-11", "2025-12"):
        save_row(unit_code=TOWN, period=period, form_id="tasks", row_key="2",
                 values={"status": "推进中", "narrative": "已推进", "achieved": "4"})
    assert last_month_values(unit_code=TOWN, period="2025-12", form_id="tasks")["2"]["achieved"] == 4
    january = last_month_values(unit_code=TOWN, period="2026-01", form_id="tasks")["2"]
    assert "achieved" not in january and january["status"] == "推进中"  # December's 完成值 is last year's total
    assert last_month_values(unit_code=TOWN, period="2026-01", form_id="events") == {}
