"""Property tests: any text and figures a clerk can store survive writer → reader unchanged, and never become formulas."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import get_form
from forms.coerce import coerce
from models.entries import canonical_row, content_hash
from models.errors import DataError
from reports.xlsx_meta import FormRef, ReturnMeta
from reports.xlsx_reader import read_return
from reports.xlsx_writer import ReturnHeader, SheetRow, SheetSpec, write_workbook

EVENTS = get_form("events")
PERIOD = "2025-10"
# Any character a person can type or paste (no lone surrogates, which no file format can hold).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
MONEY = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _stored(field_key: str, value):
    """The value as the core would store it (what coerce makes of what was typed)."""
    return coerce(EVENTS.field(field_key), value)


@st.composite
def event(draw) -> dict:
    name = _stored("name", draw(TEXT.filter(lambda s: _stored("name", s))))
    return {"date": dt.date(2025, 10, draw(st.integers(1, 31))), "type": draw(st.sampled_from(EVENTS.field("type").choices)),
            "name": name, "place": _stored("place", draw(st.one_of(st.none(), TEXT))),
            "organiser": None, "enterprises": draw(st.integers(0, 10**6)), "visitors": draw(st.integers(0, 10**9)),
            "deals": draw(st.integers(0, 10**6)), "sales": draw(MONEY), "subsidies": draw(MONEY),
            "explanation": _stored("explanation", draw(st.one_of(st.none(), TEXT)))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(event(), min_size=1, max_size=6))
def test_any_stored_events_round_trip(tmp_path_factory, rows):
    data = {"events": [canonical_row(EVENTS, "", r) for r in rows]}
    meta = ReturnMeta(kind="return", unit_code="371002001", unit_name="环翠楼街道", parent_code="371002",
                      period=PERIOD, revision=1, return_uuid="u", program_version="test",
                      content_hash=content_hash(data), created_at="", forms=[FormRef("events", EVENTS.version, "表2")])
    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠楼街道", unit_code="371002001", period=PERIOD)
    path = tmp_path_factory.mktemp("prop") / "r.xlsx"
    write_workbook(path, sheets=[SheetSpec(EVENTS, [SheetRow(r) for r in rows])], header=header, meta=meta)
    back = read_return(path)
    assert back.data == data
    assert back.computed_hash == back.stated_hash
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert sheet.count("<f>") == 5  # the five 合计 SUMs, nothing a user typed


def test_money_keeps_its_cents():
    assert _stored("sales", "1,234.50") == Decimal("1234.50")


def test_text_too_long_for_excel_is_refused_not_truncated(tmp_path):
    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠楼街道", unit_code="371002001", period=PERIOD)
    row = {"date": dt.date(2025, 10, 5), "type": "其他", "name": "长" * 40000}
    path = tmp_path / "r.xlsx"
    with pytest.raises(DataError, match=r"表2!C8: 活动名称 无法写入 Excel"):
        write_workbook(path, sheets=[SheetSpec(EVENTS, [SheetRow(row)])], header=header)
    assert list(tmp_path.iterdir()) == []  # no partial file under any name
