import json
import struct
import zlib

import pytest

from certification.png import PNGError, badge_png, png_bake, png_chunks, png_unbake

ASSERTION = json.dumps({"type": "Assertion", "recipient": "Zoë ✓"}, ensure_ascii=False)
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _raw_pixels(png: bytes) -> bytes:
    return zlib.decompress(b"".join(data for kind, data in png_chunks(png) if kind == b"IDAT"))


def _pixel(png: bytes, size: int, x: int, y: int) -> tuple[int, ...]:
    start = y * (1 + 4 * size) + 1 + 4 * x
    return tuple(_raw_pixels(png)[start : start + 4])


def _insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    iend = png.rindex(b"\x00\x00\x00\x00IEND")
    return png[:iend] + chunk + png[iend:]


@pytest.mark.parametrize("size", [1, 31, 64])
def test_badge_png_is_a_valid_rgba_png_of_the_given_size(size):
    png = badge_png(size=size)

    chunks = png_chunks(png)  # verifies every CRC
    width, height, depth, color, *methods = struct.unpack(">IIBBBBB", chunks[0][1])
    raw = _raw_pixels(png)
    assert png.startswith(SIGNATURE)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert (width, height, depth, color, methods) == (size, size, 8, 6, [0, 0, 0])
    assert len(raw) == size * (1 + 4 * size)
    assert all(raw[row * (1 + 4 * size)] == 0 for row in range(size))  # filter byte 0


def test_badge_png_draws_an_opaque_disc_on_a_transparent_square():
    png = badge_png(size=64, rgb=(10, 20, 30), initials="ZB")

    assert _pixel(png, 64, 32, 32) == (10, 20, 30, 255)
    assert _pixel(png, 64, 0, 0)[3] == 0
    assert _pixel(png, 64, 63, 63)[3] == 0


def test_badge_png_refuses_a_bad_size_or_colour():
    with pytest.raises(ValueError, match="size"):
        badge_png(size=0)
    with pytest.raises(ValueError, match="rgb"):
        badge_png(rgb=(0, 0, 256))


def test_bake_then_unbake_round_trips_non_ascii_json():
    baked = png_bake(badge_png(size=16), ASSERTION)

    assert png_unbake(baked) == ASSERTION
    assert json.loads(png_unbake(baked))["recipient"] == "Zoë ✓"


def test_baking_keeps_the_original_chunks():
    png = badge_png(size=16)

    baked = png_chunks(png_bake(png, ASSERTION))

    assert baked[:-2] == png_chunks(png)[:-1]


def test_the_itxt_chunk_sits_just_before_iend_uncompressed_under_openbadges():
    chunks = png_chunks(png_bake(badge_png(size=16), ASSERTION))

    kind, data = chunks[-2]
    keyword, flag, method, rest = data[:10], data[11], data[12], data[13:]
    assert kind == b"iTXt"
    assert chunks[-1] == (b"IEND", b"")
    assert data[10] == 0
    assert (keyword, flag, method) == (b"openbadges", 0, 0)
    assert rest == b"\x00\x00" + ASSERTION.encode("utf-8")  # empty language and translation


def test_baking_twice_raises():
    baked = png_bake(badge_png(size=16), ASSERTION)

    with pytest.raises(PNGError, match="already carries"):
        png_bake(baked, ASSERTION)


def test_another_keyword_does_not_count_as_baked():
    png = png_bake(badge_png(size=16), "other", keyword="comment")

    assert png_unbake(png) is None
    assert png_unbake(png_bake(png, ASSERTION)) == ASSERTION


def test_unbaking_an_unbaked_png_returns_none():
    assert png_unbake(badge_png(size=16)) is None


def _not_a_png(png: bytes) -> bytes:
    return b"GIF89a" + png[6:]


def _truncated(png: bytes) -> bytes:
    return png[:40]


def _without_iend(png: bytes) -> bytes:
    return png[:-12]


def _bad_idat_crc(png: bytes) -> bytes:
    offset = png.index(b"IDAT") + 8  # into the IDAT data, whose CRC no longer matches
    return png[:offset] + bytes([png[offset] ^ 0xFF]) + png[offset + 1 :]


def _bad_iend_crc(png: bytes) -> bytes:
    return png[:-1] + bytes([png[-1] ^ 0xFF])


@pytest.mark.parametrize(
    "damage", [_not_a_png, _truncated, _without_iend, _bad_idat_crc, _bad_iend_crc]
)
def test_malformed_pngs_are_refused_by_bake_unbake_and_chunks(damage):
    broken = damage(badge_png(size=16))

    with pytest.raises(PNGError):
        png_chunks(broken)
    with pytest.raises(PNGError):
        png_unbake(broken)
    with pytest.raises(PNGError):
        png_bake(broken, ASSERTION)


def test_empty_input_is_not_a_png():
    with pytest.raises(PNGError, match="signature"):
        png_unbake(b"")


def test_a_compressed_itxt_chunk_is_read():
    data = b"openbadges\x00\x01\x00en\x00Open Badges\x00" + zlib.compress(ASSERTION.encode())
    png = _insert_before_iend(badge_png(size=16), _chunk(b"iTXt", data))

    assert png_unbake(png) == ASSERTION


def test_a_corrupt_compressed_itxt_chunk_raises():
    data = b"openbadges\x00\x01\x00\x00\x00not zlib"
    png = _insert_before_iend(badge_png(size=16), _chunk(b"iTXt", data))

    with pytest.raises(PNGError, match="iTXt"):
        png_unbake(png)
