"""Sample months for the Excel return tests: every field type, tricky texts, fixed times for golden files."""

from __future__ import annotations

import datetime as dt

from models.entries import replace_period_data
from models.units import set_setting

P = "2025-10"
NOW = dt.datetime(2025, 11, 3, 9, 30, 0)
GOLDEN_UUID = "00000000-0000-4000-8000-000000000001"
SIGNATORIES = {"signatory_head": "王建国", "signatory_stats": "李明", "signatory_filler": "张晓红",
               "signatory_phone": "0631-5201234"}

SAMPLE = {
    "tasks": [
        {"row_key": "1", "status": "推进中", "achieved": "3",
         "narrative": "已组织重点企业开展设备更新需求摸排，新增入库项目3个，总投资1.2亿元。",
         "problems": "部分企业资金压力较大", "next_steps": "对接金融机构，推动贴息政策落地"},
        {"row_key": "2", "status": "已完成", "achieved": "6.5", "narrative": "=1+1"},
        {"row_key": "5", "status": "滞后", "narrative": "@SUM(A1)", "problems": "+进度慢\n-原因待查",
         "explanation": "受天气影响"},
    ],
    "events": [
        {"date": "2025-10-05", "type": "汽车促销", "name": "=1+1 金秋车展", "place": "威海国际会展中心",
         "organiser": "区商务局", "enterprises": 12, "visitors": 1200, "deals": 85, "sales": "1234.5",
         "subsidies": "20"},
        {"date": "2025-10-18", "type": "家电以旧换新", "name": "@SUM(A1)", "place": "环翠楼商圈",
         "organiser": "街道办", "enterprises": 8, "visitors": 640, "deals": 132, "sales": "96.25",
         "subsidies": "8.6", "explanation": "含线上"},
        {"date": "2025-10-31", "type": "其他", "name": "-5", "enterprises": 0, "visitors": 30, "deals": 0,
         "sales": "0", "subsidies": "0"},
    ],
    "figures": [
        {"row_key": "appliance_recycling", "current": "1200", "base_2023": "10000"},
        {"row_key": "equipment_investment", "current": "356.78", "base_2023": "3000"},
        {"row_key": "nev_stock", "current": "8123", "explanation": "期末数"},
    ],
}


def load_sample(unit_code: str, period: str = P) -> None:
    """Store the sample month and the signatories."""
    replace_period_data(unit_code=unit_code, period=period, data=SAMPLE)
    for key, value in SIGNATORIES.items():
        set_setting(key, value)
