"""Just enough PNG for badges: draw a plain badge image, and bake / unbake Open Badges.

Baking (Open Badges 2.0): the assertion travels inside the image as an `iTXt` chunk whose
keyword is `openbadges`, placed before `IEND`; an image carries at most one such chunk.
Only the standard library is used.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PNGError(ValueError):
    """The bytes are not a well-formed PNG, or cannot be baked as asked."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, CRCs checked; raises PNGError when malformed."""
    if not png.startswith(SIGNATURE):
        raise PNGError("Not a PNG: the signature is missing.")
    chunks, offset = [], len(SIGNATURE)
    while offset < len(png):
        if offset + 8 > len(png):
            raise PNGError("Truncated PNG: a chunk header is cut short.")
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        end = offset + 12 + length
        if end > len(png):
            raise PNGError(f"Truncated PNG: the {kind!r} chunk is cut short.")
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if crc != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise PNGError(f"Corrupt PNG: the {kind!r} chunk fails its CRC.")
        chunks.append((kind, data))
        offset = end
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise PNGError("Truncated PNG: there is no IEND chunk.")
    return chunks


def badge_png(*, size: int = 256, rgb: tuple[int, int, int] = (46, 125, 110)) -> bytes:
    """A round badge: a disc of `rgb` with a lighter ring, on a transparent square."""
    center, radius = (size - 1) / 2, size / 2 - 1
    ring = tuple(min(255, channel + 90) for channel in rgb)
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type 0 for every scanline
        for x in range(size):
            distance = ((x - center) ** 2 + (y - center) ** 2) ** 0.5
            if distance > radius:
                row += b"\x00\x00\x00\x00"
            elif distance > radius * 0.86:
                row += bytes((*ring, 255))
            else:
                row += bytes((*rgb, 255))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _itxt_text(data: bytes) -> tuple[str, str]:
    """(keyword, text) of an iTXt chunk's data."""
    try:
        keyword, rest = data.split(b"\x00", 1)
        compressed, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
        if compressed:
            if method != 0:
                raise PNGError("Unknown iTXt compression method.")
            text = zlib.decompress(text)
        return keyword.decode("latin-1"), text.decode("utf-8")
    except (ValueError, IndexError, zlib.error, UnicodeDecodeError) as error:
        raise PNGError(f"Malformed iTXt chunk: {error}") from error


def png_unbake(png: bytes, *, keyword: str = "openbadges") -> str | None:
    """The text baked under `keyword`, or None when the image carries none."""
    for kind, data in png_chunks(png):
        if kind == b"iTXt":
            found, text = _itxt_text(data)
            if found == keyword:
                return text
    return None


def png_bake(png: bytes, text: str, *, keyword: str = "openbadges") -> bytes:
    """`png` with `text` in an uncompressed iTXt chunk under `keyword`, before IEND."""
    if png_unbake(png, keyword=keyword) is not None:
        raise PNGError(f"The image already carries a {keyword!r} iTXt chunk.")
    data = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode()
    chunks = png_chunks(png)
    body = b"".join(_chunk(kind, chunk) for kind, chunk in chunks[:-1])
    return SIGNATURE + body + _chunk(b"iTXt", data) + _chunk(b"IEND", b"")
