"""The program's icons: line drawings in resources/icons/*.svg, coloured at load time, sharp on high-DPI screens."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPixmap

from models.resources import resource_path

INK = "#34495e"
ON_DARK = "#e8eef6"


@cache
def _svg(name: str) -> str:
    return resource_path("resources", "icons", f"{name}.svg").read_text(encoding="utf-8")


class SvgIconEngine(QIconEngine):
    """Draws a coloured SVG at exactly the size and screen scale asked for, when it is first painted.

    Rendering on demand keeps start-up from drawing icons nobody sees yet (other pages, hidden buttons),
    and a 150 % or 200 % screen gets a pixmap drawn for it rather than a scaled one.
    """

    def __init__(self, svg: bytes, size: int) -> None:
        super().__init__()
        self._svg, self._size = svg, size
        self._pixmaps: dict[tuple[int, int, int, int], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self._svg, self._size)

    def availableSizes(self, mode=QIcon.Mode.Normal, state=QIcon.State.Off) -> list[QSize]:  # noqa: N802
        return [QSize(self._size, self._size), QSize(self._size * 2, self._size * 2)]

    def actualSize(self, size: QSize, mode, state) -> QSize:  # noqa: N802
        side = min(size.width(), size.height(), self._size)  # like a bitmap icon: smaller on request, never larger
        return QSize(side, side)

    def pixmap(self, size: QSize, mode, state) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode, state, scale: float) -> QPixmap:  # noqa: N802
        """The icon drawn from the SVG for a logical size on a screen of a scale (disabled: greyed by the style)."""
        side = max(1, round(min(size.width(), size.height(), self._size) * scale))
        key = (side, int(scale * 100), int(mode.value), int(state.value))
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            from PySide6.QtSvg import QSvgRenderer  # loaded with the first icon painted, not at import

            pixmap = QPixmap(side, side)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            QSvgRenderer(QByteArray(self._svg)).render(painter, QRectF(0, 0, side, side))
            painter.end()
            if mode != QIcon.Mode.Normal and QGuiApplication.instance() is not None:
                # Disabled greyed, selected tinted: what Qt's own bitmap icons get from the style
                from PySide6.QtWidgets import QApplication, QStyleOption

                option = QStyleOption()
                option.palette = QGuiApplication.palette()
                pixmap = QApplication.style().generatedIconPixmap(mode, pixmap, option)
            pixmap.setDevicePixelRatio(scale)
            self._pixmaps[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, rect, mode, state) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def icon(name: str, colour: str = INK, size: int = 24) -> QIcon:
    """Return an icon drawn in a colour, rendered from the SVG for every screen scale it appears on."""
    return QIcon(SvgIconEngine(_svg(name).replace("currentColor", colour).encode("utf-8"), size))


def app_icon() -> QIcon:
    """Return the program's icon (drawn by the icon work in resources/icons/app.*)."""
    for name in ("app.svg", "app.png"):
        path = resource_path("resources", "icons", name)
        if path.exists():
            return QIcon(str(path))
    return QIcon()
