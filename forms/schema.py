"""The schema of a return form declaration (forms/defs/*.json), validated on load."""

from __future__ import annotations

from functools import cached_property
from string import Formatter
from typing import TYPE_CHECKING, Literal

from models.frozen import Record, record, spec

if TYPE_CHECKING:
    from forms.validate import FormChecks

FieldType = Literal["text", "integer", "decimal", "percent", "date", "choice"]
NUMERIC_TYPES = ("integer", "decimal", "percent")
# In a rule, prev_<key> is what the same row held in that typed field the month before, within the same year
# (nothing in January): a year-to-date figure must not fall. Only forms with fixed rows have "the same row".
PREVIOUS = "prev_"
# Excel keeps at most 32,767 characters in a cell, and a return that cannot hold a text cannot be exported:
# every typed text is refused past this, or past a shorter max_length its field declares.
EXCEL_TEXT_LIMIT = 32767


@record
class Field(Record):
    """One column of a form: where its value comes from, how it is checked and shown."""

    key: str = spec(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = spec(min_length=1)
    type: FieldType
    # row: from the row itself (task number, indicator name); input: typed; computed: derived by the core.
    source: Literal["row", "input", "computed"] = "input"
    unit: str | None = None
    unit_from_row: bool = False  # the unit is the row's (表3: each indicator has its own)
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    blank_is_zero: bool = False  # a blank or "—" in a returned file reads as 0
    total: bool = False  # summed in the 合计 row
    group: str | None = None  # merged header over adjacent fields with the same group
    width: float = 10
    multiline: bool = False
    max_length: int | None = spec(None, ge=1, le=EXCEL_TEXT_LIMIT)  # a text's most characters; None: Excel's limit
    # 沿用上月: what a new month may start from. A task's status and texts go on from month to month; a
    # year-to-date figure only within its year (January starts again from nothing); a 说明 belongs to its month.
    carry: Literal["never", "always", "within_year"] = "never"

    @property
    def editable(self) -> bool:
        """True when a user types this field."""
        return self.source == "input"

    @property
    def longest(self) -> int | None:
        """The most characters a text field holds (None for other types)."""
        if self.type != "text":
            return None
        return self.max_length if self.max_length is not None else EXCEL_TEXT_LIMIT

    @property
    def numeric(self) -> bool:
        """True for counts, amounts and rates (numbered 1…n in the Excel header)."""
        return self.type in NUMERIC_TYPES

    def validate_record(self) -> None:
        """Checks across fields."""
        if self.type == "choice" and not self.choices:
            raise ValueError(f"field {self.key!r}: a choice field needs choices")
        if self.total and not self.numeric:
            raise ValueError(f"field {self.key!r}: only numeric fields can be totalled")
        if self.max_length is not None and self.type != "text":
            raise ValueError(f"field {self.key!r}: only text fields have a max_length")
        if self.carry != "never" and not self.editable:
            raise ValueError(f"field {self.key!r}: only typed (input) fields can be carried into the next month")


@record
class Rule(Record):
    """A validation rule over one row; hard failures block, soft ones need a 说明."""

    id: str = spec(pattern=r"^[a-z][a-z0-9_]*$")
    level: Literal["hard", "soft"]
    check: str = spec(min_length=1)  # an expression over field keys, see forms/expr.py
    message: str = spec(min_length=1)  # may show values by name: 本期 {current} 是上月 {prev_current} 的10倍以上
    field: str | None = None  # the field the message is shown on

    @cached_property
    def message_names(self) -> tuple[str, ...]:
        """The names whose values the message shows, in order."""
        return tuple(name for _, name, _, _ in Formatter().parse(self.message) if name)

    def validate_record(self) -> None:
        """A message's placeholders are plain names: no format specs, conversions, indexes or empty braces."""
        try:
            parts = list(Formatter().parse(self.message))
        except ValueError as exc:
            raise ValueError(f"rule {self.id!r}: message: {exc} (a literal brace is written {{{{ or }}}})") from None
        for _, name, format_spec, conversion in parts:
            if name is not None and (not name.isidentifier() or format_spec or conversion):
                raise ValueError(f"rule {self.id!r}: message placeholders are plain names such as {{current}}")


@record
class Indicator(Record):
    """A fixed row of an indicator form (表3)."""

    key: str = spec(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    unit: str
    aggregation: Literal["sum", "last"] = "sum"  # 本年累计: sum of months, or the latest stock
    decimals: int = 0


@record
class Form(Record):
    """A return form: fields, rules and the Excel layout, declared once."""

    id: str = spec(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = spec(ge=1)
    form_code: str  # 表号, e.g. 两新1表
    sheet_name: str  # 表1
    title: str
    period_type: Literal["month"] = "month"
    rows: Literal["plan_tasks", "events", "indicators"]
    authority: str | None = None  # 制定机关
    approval_no: str | None = None  # 批准文号
    valid_until: str | None = None  # 有效期至
    measure_unit: str  # 计量单位 line
    fields: tuple[Field, ...] = spec(min_length=1)
    rules: tuple[Rule, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    totals: bool = True
    notes: tuple[str, ...] = ()

    def validate_record(self) -> None:
        """Checks across fields."""
        keys = [f.key for f in self.fields]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"fields repeated: {', '.join(sorted(dupes))}")
        if reserved := [k for k in keys if k.startswith(PREVIOUS)]:
            raise ValueError(f"field keys cannot begin with {PREVIOUS!r} (a rule's name for last month's value): "
                             f"{', '.join(reserved)}")
        for rule in self.rules:
            if rule.field and rule.field not in keys:
                raise ValueError(f"rule {rule.id!r} names unknown field {rule.field!r}")
        if (self.rows == "indicators") != bool(self.indicators):
            raise ValueError("indicators are declared exactly when rows is 'indicators'")

    def field(self, key: str) -> Field:
        """Return the field with this key."""
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @cached_property
    def rule_names(self) -> frozenset[str]:
        """The names a rule may read: every field, and last month's value of each typed field (PREVIOUS)."""
        keys = {f.key for f in self.fields}
        if self.rows != "events":
            keys |= {PREVIOUS + f.key for f in self.input_fields}
        return frozenset(keys)

    @cached_property
    def input_fields(self) -> tuple[Field, ...]:
        """The fields a user types."""
        return tuple(f for f in self.fields if f.editable)

    @cached_property
    def checks(self) -> FormChecks:
        """The form's field checks and compiled rules, prepared once (forms/validate.py)."""
        from forms.validate import FormChecks  # validate uses this module's types

        return FormChecks(self)

    def indicator(self, key: str) -> Indicator:
        """Return the indicator row with this key."""
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)
