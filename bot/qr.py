"""QR codes of invitation links, as PNG images to print on a poster."""

from __future__ import annotations

import io

# 12-pixel modules and the standard 4-module quiet zone: an invitation link fits a version 5
# code (37 modules), 540 px wide, sharp when printed on a poster.
SCALE = 12
BORDER = 4


def qr_png(text: str, *, scale: int = SCALE, border: int = BORDER) -> bytes:
    """A black-on-white PNG; error correction "M" survives a crease or a smudge."""
    import segno  # loaded when a poster is first made, not held by a bot at rest

    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
