"""Form declarations (forms/defs/*.json) are validated on load; a broken one names the file and the place."""

import json
import shutil
from decimal import Decimal

import pytest

from forms import all_forms
from forms.registry import load_form_file
from forms.validate import check_row, shown_value
from models.errors import FormError
from models.resources import resource_path


def declaration(tmp_path, form_id, change):
    """A copy of a shipped declaration with one change made to its JSON."""
    data = json.loads(resource_path("forms", "defs", f"{form_id}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{form_id}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_declarations_load_unchanged(tmp_path):
    for form in all_forms():
        copy = tmp_path / f"{form.id}.json"
        shutil.copy(resource_path("forms", "defs", f"{form.id}.json"), copy)
        assert load_form_file(copy) == form


def add_rule(check, **more):
    return lambda data: data["rules"].append({"id": "added", "level": "soft", "check": check, "message": "m"} | more)


@pytest.mark.parametrize("form_id, change, message", [
    ("tasks", add_rule("achieved >= prev_achieve"), r"rules\[\d+\]\.check: unknown field\(s\) prev_achieve"),
    ("tasks", add_rule("achieved >= prev_percent"), r"unknown field\(s\) prev_percent"),  # computed: never typed
    ("events", add_rule("visitors >= prev_visitors"), r"unknown field\(s\) prev_visitors"),  # no "same row"
    ("figures", add_rule("current > 0", field="curent"), "rule 'added' names unknown field 'curent'"),
    ("tasks", add_rule("achieved >="), r"rules\[\d+\]\.check"),
    ("tasks", lambda data: data["fields"].append({"key": "prev_note", "label": "上月", "type": "text"}),
     "field keys cannot begin with 'prev_'"),
    ("tasks", lambda data: data["fields"][0].update(type="number"), r"fields\[0\]\.type"),
    ("figures", add_rule("current >= 0", message="本期 {curent}"), r"unknown field\(s\) curent"),
    ("figures", add_rule("current >= 0", message="本期 {current:.2f}"), "message placeholders are plain names"),
    ("figures", add_rule("current >= 0", message="本期 {}"), "message placeholders are plain names"),
    ("figures", add_rule("current >= 0", message="本期 {current"), "a literal brace is written"),
    ("tasks", lambda data: data["fields"][9].update(max_length=40000), r"fields\[9\]\.max_length: 不能大于 32767"),
    ("tasks", lambda data: data["fields"][7].update(max_length=10), "field 'achieved': only text fields have a max_length"),
])
def test_a_broken_declaration_names_the_file_and_the_place(tmp_path, form_id, change, message):
    path = declaration(tmp_path, form_id, change)
    with pytest.raises(FormError, match=message) as exc:
        load_form_file(path)
    assert str(path) in str(exc.value)


def test_a_typed_text_is_refused_past_excels_limit_or_its_declared_max_length(tmp_path):
    tasks = next(form for form in all_forms() if form.id == "tasks")
    findings = check_row(tasks, {"narrative": "进展" * 16384}, row_key="2")
    assert [(f.field, f.level, f.message) for f in findings] == [
        ("narrative", "hard", "进展情况最多 32,767 个字（现有 32,768 个字）")]
    assert not [f for f in check_row(tasks, {"narrative": "进" * 32767}, row_key="2") if f.field == "narrative"]
    shorter = load_form_file(declaration(tmp_path, "tasks", lambda data: data["fields"][12].update(max_length=200)))
    assert shorter.field("explanation").longest == 200
    assert [f.message for f in check_row(shorter, {"explanation": "因" * 201}, row_key="2")] == [
        "说明最多 200 个字（现有 201 个字）"]


def test_an_indicator_shown_without_decimals_takes_only_whole_numbers():
    figures = next(form for form in all_forms() if form.id == "figures")
    counts = [ind for ind in figures.indicators if ind.decimals == 0]
    assert {ind.unit for ind in counts} == {"台", "辆", "台（套）"}  # every count; 万元 keeps its two decimals
    for ind in counts:
        findings = check_row(figures, {"current": Decimal("12.5"), "base_2023": Decimal(100)}, row_key=ind.key)
        assert [(f.field, f.level, f.message) for f in findings if f.rule_id == "whole"] == [
            ("current", "hard", f"{ind.label}以“{ind.unit}”计，本期须为整数")]
    assert not [f for f in check_row(figures, {"current": Decimal("12.50"), "base_2023": Decimal("9800.25")},
                                     row_key="equipment_investment") if f.level == "hard"]
    assert not check_row(figures, {"current": Decimal("12.000")}, row_key="appliance_recycling")


def test_a_rule_may_read_last_months_value_of_a_typed_field(tmp_path):
    form = load_form_file(declaration(tmp_path, "figures", add_rule("current >= prev_current")))
    assert form.checks.previous == ("current",)


def test_json_that_does_not_parse_names_its_line(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text('{"id": "tasks",\n "version": }', encoding="utf-8")
    with pytest.raises(FormError, match="line 2 column"):
        load_form_file(path)


def test_a_message_shows_the_rows_values_by_name(tmp_path):
    form = load_form_file(declaration(tmp_path, "figures", lambda data: data.update(rules=[
        {"id": "big", "level": "soft", "check": "current < 1000", "message": "本期 {current}（说明：{explanation}）"}])))
    [finding] = check_row(form, {"current": Decimal("1200.50")})
    assert finding.message == "本期 1200.5（说明：—）"
    assert check_row(form, {"current": Decimal(999)}) == []


@pytest.mark.parametrize("value, shown", [(Decimal("4"), "4"), (Decimal("94.50"), "94.5"), (Decimal("1E+3"), "1000"),
                                          (Decimal("0.000"), "0"), (12, "12"), ("推进中", "推进中"), (None, "—"), ("", "—")])
def test_values_in_messages_read_as_typed(value, shown):
    assert shown_value(value) == shown
