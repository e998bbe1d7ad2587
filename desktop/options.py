"""Every setting the program keeps, declared once: name, default, type, title and where it is stored.

Local settings (this PC: database, language, …) are stored with QSettings in an INI file in the user's data
folder, so that copying that folder moves them with the data. Database settings (the signatories printed
in the return footer) belong to the unit and are stored in its database through models.units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QByteArray, QSettings

from desktop.i18n import QT_TRANSLATE_NOOP
from models.database import data_dir
from models.units import get_setting, set_setting


@dataclass(frozen=True)
class Option:
    """One declared setting."""

    name: str
    default: object
    type: type
    title: str
    store: Literal["local", "database", "state"] = "local"  # state: remembered UI state, not a preference


OPTIONS: tuple[Option, ...] = (
    Option("database", "", str, QT_TRANSLATE_NOOP("", "数据库（SQLite 文件路径或 PostgreSQL 地址，留空为默认位置）")),
    Option("language", "zh_CN", str, QT_TRANSLATE_NOOP("", "界面语言")),
    Option("user_name", "", str, QT_TRANSLATE_NOOP("", "操作人（记入操作日志）")),
    Option("export_dir", "", str, QT_TRANSLATE_NOOP("", "报表导出文件夹")),
    Option("signatory_head", "", str, QT_TRANSLATE_NOOP("", "单位负责人"), "database"),
    Option("signatory_stats", "", str, QT_TRANSLATE_NOOP("", "统计负责人"), "database"),
    Option("signatory_filler", "", str, QT_TRANSLATE_NOOP("", "填表人"), "database"),
    Option("signatory_phone", "", str, QT_TRANSLATE_NOOP("", "联系电话"), "database"),
    Option("window_geometry", b"", bytes, QT_TRANSLATE_NOOP("", "窗口位置"), "state"),
    Option("merge_dir", "", str, QT_TRANSLATE_NOOP("", "上次汇总的文件夹"), "state"),
)
_BY_NAME = {o.name: o for o in OPTIONS}
SIGNATORIES = ("signatory_head", "signatory_stats", "signatory_filler", "signatory_phone")


def option(name: str) -> Option:
    """Return a declared option; an undeclared name is a programming error."""
    return _BY_NAME[name]


def qsettings() -> QSettings:
    """Return the local settings file (INI in the user's data folder)."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def _convert(opt: Option, raw: object) -> object:
    if raw is None:
        return opt.default
    if opt.type is bool:
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
    if opt.type is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            return opt.default
    if opt.type is bytes:
        return bytes(raw.data()) if isinstance(raw, QByteArray) else (raw if isinstance(raw, bytes) else opt.default)
    return str(raw)


def get_option(name: str) -> object:
    """Return a setting's value, or its declared default."""
    opt = option(name)
    if opt.store == "database":
        return get_setting(name, opt.default)
    return _convert(opt, qsettings().value(name))


def set_option(name: str, value: object, *, user: str = "") -> None:
    """Store a setting where its declaration says."""
    opt = option(name)
    if opt.store == "database":
        if str(value) != (get_setting(name) or ""):
            set_setting(name, str(value), user=user)
        return
    store = qsettings()
    store.setValue(name, QByteArray(value) if opt.type is bytes else value)
    store.sync()
