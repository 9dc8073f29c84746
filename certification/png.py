"""Badge images: draw a badge (Pillow), and bake / unbake Open Badges (plain bytes).

The badge is a medal on a ribbon: two ribbon tails, a ring and a disc, the issuer's mark
(a star and the issuer's name) at the top, the program's name in the middle and the level
on a band across the disc. Drawing is deterministic: the same arguments give the same bytes
with the same Pillow, so a badge class's image never changes under a verifier's feet.

Baking (Open Badges 2.0) hides the assertion inside the badge image itself. For a PNG the
assertion (JSON, or a signed JWS) goes into an `iTXt` chunk whose keyword is `openbadges`;
the chunk is left uncompressed, with empty language and translated-keyword fields, and is
placed before `IEND`. An image may carry only one such chunk, so baking an already baked
image is an error. Baking reads and writes chunks with the standard library only, so it
keeps every byte of the drawn image.
"""

import io
import math
import struct
import textwrap
import zlib

from PIL import Image, ImageDraw, ImageFont

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_CHUNK_LENGTH = 2**31 - 1  # the PNG spec's limit on a chunk's data length


class PNGError(ValueError):
    """The bytes are not a well-formed PNG, or cannot be baked as asked."""


def _crc(kind: bytes, data: bytes) -> int:
    return zlib.crc32(kind + data) & 0xFFFFFFFF


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", _crc(kind, data))


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, CRCs verified; raises PNGError when malformed."""
    if not png.startswith(SIGNATURE):
        raise PNGError("Not a PNG: the signature is missing.")
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(SIGNATURE)
    while offset < len(png):
        kind, data, offset = _read_chunk(png, offset)
        chunks.append((kind, data))
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise PNGError("Malformed PNG: the first chunk is not IHDR.")
    if chunks[-1][0] != b"IEND":
        raise PNGError("Truncated PNG: there is no IEND chunk.")
    return chunks


def _read_chunk(png: bytes, offset: int) -> tuple[bytes, bytes, int]:
    """(type, data, offset of the next chunk) of the chunk starting at `offset`."""
    if offset + 8 > len(png):
        raise PNGError("Truncated PNG: a chunk header is cut short.")
    length, kind = struct.unpack(">I4s", png[offset : offset + 8])
    if length > _MAX_CHUNK_LENGTH or not kind.isalpha() or not kind.isascii():
        raise PNGError(f"Malformed PNG: bad chunk header at byte {offset}.")
    end = offset + 12 + length
    if end > len(png):
        raise PNGError(f"Truncated PNG: the {kind!r} chunk is cut short.")
    data = png[offset + 8 : end - 4]
    (crc,) = struct.unpack(">I", png[end - 4 : end])
    if crc != _crc(kind, data):
        raise PNGError(f"Corrupt PNG: the {kind!r} chunk fails its CRC.")
    return kind, data, end


SUPERSAMPLE = 4  # drawn this many times larger, then scaled down: smooth edges
MIN_TEXT_SIZE = 48  # below this many pixels a badge is the medal alone, without text
WHITE = (255, 255, 255, 255)


def badge_png(
    *,
    size: int = 256,
    rgb: tuple[int, int, int] = (46, 125, 110),
    title: str = "",
    level: str = "",
    issuer: str = "",
) -> bytes:
    """A medal on a ribbon, `size` pixels square, 8-bit RGBA on a transparent background.

    `title` (the program's name) is written across the disc, wrapped onto up to three
    lines and made smaller until it fits; `level` (e.g. "Certified") on a band across the
    lower disc; `issuer` under a star at the top: the issuer's mark.
    """
    if size < 1:
        raise ValueError("size must be at least 1.")
    if len(rgb) != 3 or any(not 0 <= channel <= 255 for channel in rgb):
        raise ValueError("rgb must be three integers in 0..255.")
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour, light, dark = (*rgb, 255), _mix(rgb, 255, 0.45), _mix(rgb, 0, 0.35)
    cx, cy, radius = big / 2, big * 0.42, big * 0.38
    _ribbon(draw, big, cx, cy, dark, colour)
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=light)
    inner = radius * 0.86
    draw.ellipse([cx - inner, cy - inner, cx + inner, cy + inner], fill=colour)
    line = radius * 0.80
    draw.ellipse(
        [cx - line, cy - line, cx + line, cy + line], outline=WHITE, width=max(1, big // 128)
    )
    if size >= MIN_TEXT_SIZE:
        _star(draw, cx, cy - radius * 0.60, radius * 0.09, WHITE)
        _text(draw, issuer.upper(), cx, cy - radius * 0.42, big * 0.042, line * 1.3)
        _title(draw, title, cx, cy - radius * 0.05, big, line * 1.5)
        if level:
            _band(draw, level.upper(), cx, cy + radius * 0.50, big, dark)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


def _mix(rgb, towards: int, share: float) -> tuple[int, int, int, int]:
    return (*(round(c + (towards - c) * share) for c in rgb), 255)


def _font(pixels: float):
    try:
        return ImageFont.load_default(size=max(1, round(pixels)))
    except TypeError:  # Pillow before 10.1: one small bitmap font
        return ImageFont.load_default()


def _ribbon(draw, big, cx, cy, dark, colour):
    """Two tails hanging from behind the disc, each with a V cut at its end."""
    bottom, width = big * 0.98, big * 0.16
    for side in (-1, 1):
        top_x = cx + side * big * 0.10
        foot_x = cx + side * big * 0.24
        tail = [
            (top_x - width / 2, cy),
            (top_x + width / 2, cy),
            (foot_x + width / 2, bottom),
            (foot_x, bottom - big * 0.07),
            (foot_x - width / 2, bottom),
        ]
        draw.polygon(tail, fill=dark if side < 0 else colour)


def _star(draw, x, y, r, fill):
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        reach = r if i % 2 == 0 else r * 0.45
        points.append((x + reach * math.cos(angle), y + reach * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _text(draw, text, x, y, pixels, max_width, fill=WHITE):
    """One line centred on (x, y), made smaller until it fits `max_width`."""
    if not text:
        return
    font = _font(pixels)
    while draw.textlength(text, font=font) > max_width and pixels > 6:
        pixels *= 0.9
        font = _font(pixels)
    draw.text((x, y), text, font=font, fill=fill, anchor="mm")


def _title(draw, title, x, y, big, max_width):
    """Up to three lines centred on (x, y); the longest decides the size."""
    if not title:
        return
    pixels = big * 0.085
    for width in (14, 18, 22, 28):
        lines = textwrap.wrap(title, width) or [title]
        if len(lines) > 3:
            continue
        font = _font(pixels)
        while max(draw.textlength(ln, font=font) for ln in lines) > max_width and pixels > 6:
            pixels *= 0.92
            font = _font(pixels)
        break
    else:  # very long: the first three lines of the widest wrap, the last one ending "..."
        lines = textwrap.wrap(title, 28, max_lines=3, placeholder="\N{HORIZONTAL ELLIPSIS}")
        font = _font(pixels * 0.6)
    step = pixels * 1.15
    top = y - step * (len(lines) - 1) / 2
    for index, text in enumerate(lines):
        draw.text((x, top + index * step), text, font=font, fill=WHITE, anchor="mm")


def _band(draw, text, x, y, big, fill):
    """A banner across the disc with the level on it, its ends notched like a ribbon."""
    half_w, half_h, notch = big * 0.40, big * 0.055, big * 0.03
    draw.polygon(
        [
            (x - half_w - notch, y - half_h),
            (x + half_w + notch, y - half_h),
            (x + half_w, y),
            (x + half_w + notch, y + half_h),
            (x - half_w - notch, y + half_h),
            (x - half_w, y),
        ],
        fill=fill,
    )
    _text(draw, text, x, y, big * 0.05, half_w * 1.8)


def _itxt_keyword(data: bytes) -> bytes:
    keyword, separator, _rest = data.partition(b"\x00")
    if not separator:
        raise PNGError("Malformed iTXt chunk: the keyword is not terminated.")
    return keyword


def _itxt_text(data: bytes) -> str:
    """The text of an iTXt chunk's data, decompressed when flagged so."""
    try:
        _keyword, rest = data.split(b"\x00", 1)
        compressed, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
    except (ValueError, IndexError) as error:
        raise PNGError("Malformed iTXt chunk: a field is missing.") from error
    if compressed not in (0, 1) or (compressed and method != 0):
        raise PNGError("Malformed iTXt chunk: unknown compression.")
    try:
        return (zlib.decompress(text) if compressed else text).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise PNGError(f"Malformed iTXt chunk: {error}") from error


def _keyword_bytes(keyword: str) -> bytes:
    try:
        encoded = keyword.encode("latin-1")
    except UnicodeEncodeError as error:
        raise PNGError("An iTXt keyword must be Latin-1.") from error
    if not 1 <= len(encoded) <= 79 or b"\x00" in encoded:
        raise PNGError("An iTXt keyword must be 1 to 79 bytes, without NUL.")
    return encoded


def _find_itxt(chunks: list[tuple[bytes, bytes]], keyword: bytes) -> bytes | None:
    for kind, data in chunks:
        if kind == b"iTXt" and _itxt_keyword(data) == keyword:
            return data
    return None


def png_unbake(png: bytes, *, keyword: str = "openbadges") -> str | None:
    """The text of the iTXt chunk with `keyword`, or None when the image carries none."""
    data = _find_itxt(png_chunks(png), _keyword_bytes(keyword))
    return None if data is None else _itxt_text(data)


def png_bake(png: bytes, text: str, *, keyword: str = "openbadges") -> bytes:
    """`png` with `text` in an uncompressed iTXt chunk under `keyword`, just before IEND."""
    chunks = png_chunks(png)
    name = _keyword_bytes(keyword)
    if _find_itxt(chunks, name) is not None:
        raise PNGError(f"The image already carries a {keyword!r} iTXt chunk.")
    # keyword NUL, compression flag 0, method 0, empty language NUL, empty translation NUL
    data = name + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    body = b"".join(_chunk(kind, chunk) for kind, chunk in chunks[:-1])
    return SIGNATURE + body + _chunk(b"iTXt", data) + _chunk(b"IEND", b"")
