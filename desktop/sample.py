"""Plausible sample data for screenshots, benchmarks and tests, entered through the core (no Qt here)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from forms import get_form
from models.compute import pick_target
from models.database import open_database
from models.entries import replace_period_data
from models.periods import months_to_date, period_bounds, same_period_last_year
from models.units import add_unit, initialise, set_setting, stored_plan

DISTRICT = ("371002", "环翠区")
TOWNS = (("371002001", "环翠楼街道"), ("371002002", "鲸园街道"), ("371002003", "竹岛街道"),
         ("371002004", "孙家疃街道"), ("371002005", "张村镇"), ("371002006", "羊亭镇"))
EVENT_NAMES = {
    "汽车促销": ("金秋购车节", "新能源汽车展销会", "汽车以旧换新专场", "周末车市嘉年华"),
    "汽车下乡展销": ("汽车下乡惠民展", "乡村车展巡回站"),
    "家电以旧换新": ("家电焕新季", "绿色智能家电节", "旧机换新机专场"),
    "家装换新": ("家装焕新周", "厨卫焕新展"),
    "其他": ("消费券发放活动", "夜间消费节"),
}
PLACES = ("威海国际会展中心", "环翠区政府广场", "华联商厦", "威高广场", "张村镇文化广场", "羊亭镇商贸街")
ORGANISERS = ("区商务局", "街道办事处", "区汽车流通协会", "苏宁易购威海店", "国美电器", "红星美凯龙")
NARRATIVES = ("已召开专题推进会，明确责任分工，正在组织企业申报。", "完成摸底调查，建立项目台账，按月调度进度。",
              "已兑付补贴资金，带动相关消费明显增长。", "对接重点企业12家，3个项目已开工建设。")
SIGNATORIES = {"signatory_head": "王建国", "signatory_stats": "李敏", "signatory_filler": "张晓燕",
               "signatory_phone": "0631-5201234"}


def _events(rng: random.Random, period: str, count: int) -> list[dict]:
    first, last = period_bounds(period)
    days = (last - first).days
    rows = []
    types = list(EVENT_NAMES)
    for i in range(count):
        kind = types[i % len(types)] if i < len(types) else rng.choice(types[:4])
        deals = rng.randint(20, 400)
        sales = Decimal(deals * rng.randint(3, 18)).quantize(Decimal("0.01"))
        rows.append({
            "date": (first + dt.timedelta(days=rng.randint(0, days))).isoformat(), "type": kind,
            "name": rng.choice(EVENT_NAMES[kind]), "place": rng.choice(PLACES), "organiser": rng.choice(ORGANISERS),
            "enterprises": rng.randint(5, 60), "visitors": rng.randint(300, 8000), "deals": deals,
            "sales": str(sales), "subsidies": str((sales * Decimal("0.06")).quantize(Decimal("0.01"))),
            "explanation": None,
        })
    return rows


def _figures(rng: random.Random, scale: float) -> list[dict]:
    sizes = {"appliance_recycling": 900, "scrapped_vehicles": 180, "used_car_trades": 1500, "new_car_sales": 2100,
             "nev_stock": 7400, "car_trade_in": 260, "appliance_trade_in": 1300, "farm_machinery_scrapped": 12,
             "diesel_trucks_retired": 9, "equipment_investment": 5200}
    rows = []
    for ind in get_form("figures").indicators:
        base = sizes.get(ind.key, 100) * scale
        value = Decimal(str(round(base * rng.uniform(0.85, 1.25), ind.decimals)))
        yearly = base * (0.92 if ind.aggregation == "last" else 9.5)  # a stock's base is a stock, not a sum
        rows.append({"row_key": ind.key, "current": str(value), "explanation": None,
                     "base_2023": str(Decimal(str(round(yearly, ind.decimals))))})
    return rows


def _tasks(rng: random.Random, period: str, flaw: bool) -> list[dict]:
    plan = stored_plan()
    month = int(period[5:])
    rows = []
    for seq, task in enumerate(plan.tasks, start=1):
        if seq > 18:
            break
        status = ("推进中", "推进中", "已完成", "未启动", "滞后")[seq % 5] if month > 2 else "未启动"
        # the target the row is measured against, so that a task marked 已完成 is not below it (a warning)
        target = getattr(pick_target(list(task.targets), period), "value", None)
        # a year-to-date figure only grows through the year: each task's lead over the calendar is its own, not the month's
        lead = random.Random(f"{task.title}/{period[:4]}").uniform(0, 0.3)
        achieved = round(target * min(1.0, month / 12 + lead), 1) if target and status != "未启动" else None
        if status == "已完成" and target:
            achieved = target
        rows.append({"row_key": str(seq), "status": status, "achieved": achieved,
                     "narrative": rng.choice(NARRATIVES) if status != "未启动" else None,
                     "problems": "项目用地审批进度慢" if status == "滞后" else None,
                     "next_steps": "加快推进，按月调度" if status != "已完成" else None, "explanation": None})
    if flaw:  # one hard error and one soft warning, as a real month has them
        rows[1]["narrative"] = None
        rows[4]["problems"] = None
    return rows


def sample_month(*, period: str, seed: int = 0, events: int = 6, scale: float = 1.0,
                 flaws: bool = False) -> dict[str, list[dict]]:
    """Return one unit's month as canonical data: task progress, events and figures."""
    rng = random.Random(f"{seed}/{period}")
    event_rows = _events(rng, period, events)
    if flaws and len(event_rows) > 2:  # subsidies above sales: a warning that asks for a 说明
        event_rows[2]["subsidies"] = str(Decimal(event_rows[2]["sales"]) + 10)
    return {"tasks": _tasks(rng, period, flaws), "events": event_rows, "figures": _figures(rng, scale)}


def fill_unit(*, unit_code: str, period: str, seed: int = 0, events: int = 6, scale: float = 1.0,
              flaws: bool = True) -> None:
    """Enter January … period of this year (and the same months last year) for one unit."""
    last_year = months_to_date(same_period_last_year(period))
    for p in last_year:
        replace_period_data(unit_code=unit_code, period=p, user="sample",
                            data={"figures": sample_month(period=p, seed=seed, scale=scale * 0.8)["figures"]})
    for p in months_to_date(period):
        data = sample_month(period=p, seed=seed, events=events if p == period else 2 + (seed + int(p[5:])) % 3,
                            scale=scale, flaws=flaws and p == period)
        replace_period_data(unit_code=unit_code, period=p, data=data, user="sample")


def make_sample_database(target, *, level: str = "town", period: str = "2025-10", fill_towns: bool = True) -> str:
    """Create a database with sample data: a town, or a district with its townships; returns the own unit.

    A district's own forms are its townships' sums (reports.district), so only the townships get data;
    fill_towns=False leaves them empty too, for a district that receives their returns by merging.
    """
    open_database(target)
    if level == "town":
        code, name = TOWNS[0]
        initialise(plan_id="huancui", unit_code=code, unit_name=name, level="town",
                   parent_code=DISTRICT[0], parent_name=DISTRICT[1])
        fill_unit(unit_code=code, period=period, events=9)
    else:
        code = DISTRICT[0]
        initialise(plan_id="huancui", unit_code=code, unit_name=DISTRICT[1], level="district")
        for i, (town, name) in enumerate(TOWNS):
            add_unit(code=town, name=name, level="town", parent_code=code)
            if fill_towns and i < 4:
                fill_unit(unit_code=town, period=period, seed=i, events=3 + i, scale=0.4 + 0.2 * i, flaws=i == 1)
    for key, value in SIGNATORIES.items():
        set_setting(key, value)
    return code
