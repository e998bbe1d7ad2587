"""The program's icons: line drawings in resources/icons/*.svg, coloured at load time, sharp on high-DPI screens."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from models.resources import resource_path

INK = "#34495e"
ON_DARK = "#e8eef6"


@cache
def _svg(name: str) -> str:
    return resource_path("resources", "icons", f"{name}.svg").read_text(encoding="utf-8")


def icon(name: str, colour: str = INK, size: int = 24) -> QIcon:
    """Return an icon drawn in a colour, rendered for every screen scale it may appear on."""
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode("utf-8")))
    result = QIcon()
    ratios = {1.0, 2.0}
    app = QGuiApplication.instance()
    if app is not None:
        ratios |= {s.devicePixelRatio() for s in QGuiApplication.screens()}
    for ratio in sorted(ratios):
        pixmap = QPixmap(QSize(int(size * ratio), int(size * ratio)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size * ratio, size * ratio))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        result.addPixmap(pixmap)
    return result


def app_icon() -> QIcon:
    """Return the program's icon (drawn by the icon work in resources/icons/app.*)."""
    for name in ("app.svg", "app.png"):
        path = resource_path("resources", "icons", name)
        if path.exists():
            return QIcon(str(path))
    return QIcon()
