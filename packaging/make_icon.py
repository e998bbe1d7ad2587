"""Draw the program icon and write resources/icons/app.png, app.ico (Windows, several sizes) and app.svg.

Run once by a person when the icon changes: `QT_QPA_PLATFORM=offscreen python packaging/make_icon.py`.
The outputs are committed; the build only reads them.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# A red report sheet with three rising bars and a renewal arrow: "two renewals" reporting.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">
  <rect x="12" y="12" width="232" height="232" rx="44" fill="#c62828"/>
  <rect x="40" y="40" width="176" height="176" rx="18" fill="#ffffff"/>
  <rect x="64" y="140" width="28" height="52" rx="4" fill="#c62828"/>
  <rect x="114" y="112" width="28" height="80" rx="4" fill="#c62828"/>
  <rect x="164" y="80" width="28" height="112" rx="4" fill="#c62828"/>
  <path d="M60 104 A60 60 0 0 1 160 62" fill="none" stroke="#f9a825" stroke-width="14" stroke-linecap="round"/>
  <path d="M148 40 L184 62 L146 82 Z" fill="#f9a825"/>
</svg>
"""


def render_png(size: int) -> bytes:
    """Render the SVG to PNG bytes of one size with Qt."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(SVG.encode())).render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Pack PNG images into one .ico file (PNG-compressed entries, read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    """Write the icon files."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841  (QImage painting needs one)
    OUT.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(size) for size in ICO_SIZES}
    (OUT / "app.svg").write_text(SVG, encoding="utf-8")
    (OUT / "app.png").write_bytes(pngs[256])
    (OUT / "app.ico").write_bytes(ico_bytes(pngs))
    print(f"wrote {OUT / 'app.svg'}, app.png, app.ico ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
