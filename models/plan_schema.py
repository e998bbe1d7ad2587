"""The schema of a work plan file (resources/plans/*.json), validated on load."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from models.frozen import Record, record, spec

PLAN_SCHEMA_VERSION = 1

Comparison = Literal["at_least", "reach", "about", "at_most", "qualitative"]
Category = Literal["equipment", "trade_in", "recycling", "standards", "safeguards", "other"]
EventType = Literal["auto_promotion", "auto_countryside", "appliance_trade_in", "home_decor", "other"]


@record
class Target(Record):
    """One target: '到2025年，新能源汽车保有量达到8000辆以上'."""

    year: int | None = spec(default=None, ge=2020, le=2035)
    indicator: str = spec(min_length=1)
    indicator_key: str | None = None  # a row of form 表3 when the target is a reported figure
    value: float | None = None
    unit: str | None = None
    comparison: Comparison
    baseline_year: int | None = spec(default=None, ge=2015, le=2035)
    wording: str = spec(min_length=1)


@record
class Task(Record):
    """A numbered measure of the plan, with its number exactly as printed."""

    no: str = spec(min_length=1)
    section: str = spec(min_length=1)
    title: str = spec(min_length=1)
    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()
    category: Category
    targets: tuple[Target, ...] = ()


@record
class EventTarget(Record):
    """A yearly minimum of promotion events; counts events of any of event_types."""

    event_types: tuple[EventType, ...] = spec(min_length=1)
    min_count: int = spec(ge=1)
    per: Literal["year"] = "year"
    wording: str = spec(min_length=1)


@record
class AnnexItem(Record):
    """One line of an annex table (004's 1+N 政策清单)."""

    no: str
    title: str
    lead_units: tuple[str, ...] = ()


@record
class Plan(Record):
    """A jurisdiction's work plan."""

    schema_version: Literal[1] = PLAN_SCHEMA_VERSION
    id: str = spec(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    jurisdiction: str
    issuing_body: str
    document_no: str | None = None
    issued: dt.date
    parent_plan: str | None = None
    default_responsible_units: tuple[str, ...] = ()  # stated once for every task (000: 各镇街)
    overall_targets: tuple[Target, ...] = ()
    tasks: tuple[Task, ...] = spec(min_length=1)
    event_targets: tuple[EventTarget, ...] = ()
    figures: tuple[str, ...] = ()  # indicator keys of form 表3 the plan expects reported
    annex: tuple[AnnexItem, ...] = ()
    notes: str | None = None
