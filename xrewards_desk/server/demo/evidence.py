"""The demo's evidence files: small but valid PDF letters and PNG screenshots."""

from __future__ import annotations

import random
import struct
import zlib

# --------------------------------------------------------------------------- evidence files


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A small but valid PDF 1.4 document: one A4 page of Helvetica text."""
    ops = [b"BT", b"/F1 15 Tf", b"56 770 Td", b"18 TL", b"(" + _pdf_text(title) + b") Tj",
           b"/F1 11 Tf", b"T*"]
    for line in lines:
        ops.append(b"T* (" + _pdf_text(line) + b") Tj")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png(seed: int, width: int = 240, height: int = 150) -> bytes:
    """A small but valid PNG (8-bit RGB): a fake screenshot of a table, varied by `seed`."""
    rng = random.Random(seed)
    accent = (rng.randint(0, 120), rng.randint(60, 160), rng.randint(120, 220))
    bars = [rng.randint(30, width - 20) for _ in range(height // 14)]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            if y < 18:
                pixel = accent
            elif (y - 18) % 14 in (0, 13):
                pixel = (225, 228, 232)
            elif 8 <= x < bars[min((y - 18) // 14, len(bars) - 1)] and (y - 18) % 14 in (5, 6, 7):
                pixel = (90, 90, 96)
            else:
                pixel = (250, 250, 250)
            rows.extend(pixel)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _png_chunk(b"IEND", b""))


