"""Fonts and the one style sheet: calm colours, large enough type, state colours shared with the grid."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

# Chinese UI fonts in order of preference: Windows, macOS, Linux (fonts-noto-cjk).
CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
                "WenQuanYi Micro Hei")

SIDEBAR = "#1e2a38"
ACCENT = "#c62828"
PRIMARY = "#1f5fa8"

STYLE = f"""
QMainWindow, QWizard {{ background: #f3f5f8; }}
#Sidebar {{ background: {SIDEBAR}; border: none; }}
#Sidebar QLabel#AppTitle {{ color: #ffffff; font-size: 15pt; font-weight: 600; padding: 14px 14px 2px 16px; }}
#Sidebar QLabel#AppSubtitle {{ color: #8fa1b5; padding: 0 14px 12px 16px; }}
#Sidebar QPushButton#GuideLink {{ color: #cfd8e3; border: none; background: transparent; text-align: left;
                                 padding: 6px 14px 10px 16px; }}
#Sidebar QPushButton#GuideLink:hover {{ color: #ffffff; text-decoration: underline; }}
#Nav {{ background: {SIDEBAR}; border: none; color: #cfd8e3; outline: 0; }}
#Nav::item {{ padding-left: 14px; border-left: 3px solid transparent; }}
#Nav::item:selected {{ background: #2c3e50; color: #ffffff; border-left: 3px solid {ACCENT}; }}
#Nav::item:hover:!selected {{ background: #253445; }}
#HeaderBar {{ background: #ffffff; border-bottom: 1px solid #dde3ea; }}
#HeaderBar QLabel#UnitName {{ font-size: 13pt; font-weight: 600; color: #1e2a38; }}
#HeaderBar QLabel#PlanName {{ color: #6b7a8c; }}
QLabel#PeriodLabel {{ color: #6b7a8c; }}
QComboBox#PeriodBox {{ font-size: 12pt; font-weight: 600; min-width: 7.5em; }}
QLabel#StateChip {{ border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel#StateChip[state="open"] {{ background: #e3f1e6; color: #276738; }}
QLabel#StateChip[state="locked"] {{ background: #fde7cf; color: #8a4b08; }}
QLabel#PageTitle {{ font-size: 15pt; font-weight: 600; color: #1e2a38; }}
QLabel#FormCode {{ color: #6b7a8c; padding-left: 6px; }}
QLabel#SavedState {{ color: #276738; }}
QLabel#SavedState[error="true"] {{ color: {ACCENT}; }}
QFrame#Banner {{ border-radius: 6px; }}
QFrame#Banner[kind="locked"] {{ background: #fff4e5; border: 1px solid #f3c48b; }}
QFrame#Banner[kind="error"] {{ background: #fdecea; border: 1px solid #f2b8b5; }}
QFrame#Banner[kind="info"] {{ background: #e8f1fb; border: 1px solid #b9d3f0; }}
QFrame#Banner[kind="ok"] {{ background: #e6f4ea; border: 1px solid #b7dfc1; }}
QFrame#Card {{ background: #ffffff; border: 1px solid #dde3ea; border-radius: 8px; }}
QLabel#CardTitle {{ color: #6b7a8c; }}
QLabel#CardValue {{ font-size: 20pt; font-weight: 600; color: #1e2a38; }}
QLabel#CardNote {{ color: #6b7a8c; }}
QLabel#Hint {{ color: #6b7a8c; }}
QLabel#Hint[tone="error"] {{ color: #c62828; }}
QLabel#Hint[tone="warning"] {{ color: #8a5a00; }}
QLabel#Hint[tone="ok"] {{ color: #276738; }}
QLabel#SectionTitle {{ font-size: 11.5pt; font-weight: 600; color: #1e2a38; padding-top: 4px; }}
QTableView, QTreeView {{ background: #ffffff; gridline-color: #e3e7ed; selection-background-color: #cfe2f7;
                        selection-color: #111111; border: 1px solid #dde3ea; }}
QTreeView::item {{ padding: 3px 0; }}
QTableView#FrozenColumns {{ border: none; border-right: 2px solid #b9c4d0; }}
QFrame#FrozenEdge {{ background: #b9c4d0; border: none; }}
QTableView::item:focus {{ border: 2px solid {PRIMARY}; }}
QHeaderView::section {{ background: #eef2f6; color: #2d3b4c; border: none; border-right: 1px solid #dde3ea;
                       border-bottom: 1px solid #cfd6df; padding: 4px 6px; font-weight: 600; }}
QPushButton {{ padding: 5px 14px; border: 1px solid #c7d0db; border-radius: 5px; background: #ffffff; }}
QPushButton:hover {{ background: #f0f4f9; }}
QPushButton:disabled {{ color: #9aa3ae; background: #f4f6f8; }}
QPushButton[primary="true"] {{ background: {PRIMARY}; color: #ffffff; border: 1px solid {PRIMARY}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: #1a528f; }}
QPushButton[primary="true"]:disabled {{ background: #9bb7d8; border-color: #9bb7d8; }}
QPushButton[danger="true"] {{ color: {ACCENT}; }}
QToolButton {{ padding: 4px 8px; border: 1px solid transparent; border-radius: 5px; }}
QToolButton:hover {{ background: #e8eef5; border-color: #d0d9e4; }}
QListWidget#Findings {{ background: #ffffff; border: 1px solid #dde3ea; }}
QGroupBox {{ font-weight: 600; border: 1px solid #dde3ea; border-radius: 8px; margin-top: 1.7em;
             padding: 10px 10px 8px 10px; background: #ffffff; }}
QGroupBox::title {{ subcontrol-origin: margin; subcontrol-position: top left; left: 2px; top: 0; padding: 0 2px;
                   color: #1e2a38; }}
QLineEdit, QPlainTextEdit {{ padding: 3px 6px; border: 1px solid #c7d0db; border-radius: 4px; background: #ffffff; }}
QPlainTextEdit[state="hard"] {{ border: 1px solid #d93025; background: #fff6f5; }}
QPlainTextEdit[state="soft"] {{ border: 1px solid #e8a000; background: #fffaf0; }}
QTableView QLineEdit {{ border: none; border-radius: 0; padding: 0 4px; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {PRIMARY}; }}
QStatusBar {{ background: #ffffff; border-top: 1px solid #dde3ea; color: #4a5868; }}
QFrame#DropZone {{ border: 2px dashed #9fb3c8; border-radius: 10px; background: #f8fafc; }}
QFrame#DropZone[active="true"] {{ border-color: {PRIMARY}; background: #e8f1fb; }}
"""


def ui_font() -> QFont:
    """Return the interface font: the first installed Chinese UI font, at a comfortable size."""
    font = QFont(QApplication.font())
    # Font matching takes the first of these that is installed (and the default font when none is), without
    # listing every font on the system first.
    font.setFamilies([*CJK_FAMILIES, *font.families()])
    font.setPointSizeF(10.5 if sys.platform == "win32" else 10.0)
    return font


def apply_style(app: QApplication) -> None:
    """Set the font and the style sheet on the application."""
    app.setStyle("Fusion")  # the same look on every Windows version and in offscreen screenshots
    app.setFont(ui_font())
    app.setStyleSheet(STYLE)


def repolish(widget) -> None:
    """Re-apply the style sheet after a dynamic property (state, kind, error) changed."""
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return  # polished for the first time when shown, with the property as it is then
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_style_property(widget, name: str, value) -> None:
    """Set a property the style sheet selects on (state, kind, error, tone); the sheet is re-applied only on a change.

    Unset, "" and False select nothing alike; re-applying the sheet for a look that did not change costs time.
    """
    if (widget.property(name) or "") == (value or ""):
        return
    widget.setProperty(name, value)
    repolish(widget)
