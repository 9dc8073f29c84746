"""Just enough PNG for badges: draw a plain badge image, and bake / unbake Open Badges.

Baking (Open Badges 2.0) hides the assertion inside the badge image itself. For a PNG the
assertion (JSON, or a signed JWS) goes into an `iTXt` chunk whose keyword is `openbadges`;
the chunk is left uncompressed, with empty language and translated-keyword fields, and is
placed before `IEND`. An image may carry only one such chunk, so baking an already baked
image is an error. Only the standard library is used: no Pillow, no Django.
"""

import struct
import zlib

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


def badge_png(
    *, size: int = 256, rgb: tuple[int, int, int] = (46, 125, 110), initials: str = ""
) -> bytes:
    """A round badge: a disc of `rgb` inside a lighter ring, on a transparent square.

    8-bit RGBA. `initials` is accepted for the callers' convenience and not drawn.
    """
    if size < 1:
        raise ValueError("size must be at least 1.")
    if len(rgb) != 3 or any(not 0 <= channel <= 255 for channel in rgb):
        raise ValueError("rgb must be three integers in 0..255.")
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    pixels = b"".join(_badge_row(size, y, rgb) for y in range(size))
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(pixels, 9))
        + _chunk(b"IEND", b"")
    )


def _badge_row(size: int, y: int, rgb: tuple[int, int, int]) -> bytes:
    """One scanline: filter byte 0, then RGBA for each pixel."""
    center = (size - 1) / 2
    outer = (size / 2) ** 2
    inner = (size / 2 * 0.86) ** 2
    fill = bytes((*rgb, 255))
    ring = bytes((*(channel + (255 - channel) * 2 // 5 for channel in rgb), 255))
    clear = b"\x00\x00\x00\x00"
    row = bytearray(b"\x00")
    for x in range(size):
        distance = (x - center) ** 2 + (y - center) ** 2
        row += clear if distance > outer else ring if distance > inner else fill
    return bytes(row)


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
