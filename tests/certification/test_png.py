import json
import struct
import zlib

import pytest

from certification.png import PNGError, badge_png, png_bake, png_chunks, png_unbake

ASSERTION = json.dumps({"type": "Assertion", "recipient": "Zoë ✓"}, ensure_ascii=False)


def _pixel(png: bytes, x: int, y: int) -> tuple[int, ...]:
    size = struct.unpack(">I", dict(png_chunks(png))[b"IHDR"][:4])[0]
    raw = zlib.decompress(b"".join(d for k, d in png_chunks(png) if k == b"IDAT"))
    start = y * (1 + 4 * size) + 1 + 4 * x
    return tuple(raw[start : start + 4])


def test_badge_png_is_a_valid_rgba_png():
    png = badge_png(size=64, rgb=(10, 20, 30))

    chunks = png_chunks(png)
    width, height, depth, color = struct.unpack(">IIBB", chunks[0][1][:10])
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert (width, height, depth, color) == (64, 64, 8, 6)
    assert _pixel(png, 32, 32) == (10, 20, 30, 255)
    assert _pixel(png, 0, 0)[3] == 0


def test_bake_then_unbake_round_trips_unicode():
    baked = png_bake(badge_png(size=16), ASSERTION)

    assert png_unbake(baked) == ASSERTION


def test_the_itxt_chunk_sits_just_before_iend_uncompressed():
    chunks = png_chunks(png_bake(badge_png(size=16), ASSERTION))

    kind, data = chunks[-2]
    assert kind == b"iTXt"
    assert data.startswith(b"openbadges\x00\x00\x00")
    assert chunks[-1][0] == b"IEND"


def test_a_badge_is_baked_only_once():
    baked = png_bake(badge_png(size=16), ASSERTION)

    with pytest.raises(PNGError, match="already carries"):
        png_bake(baked, ASSERTION)


def test_an_unbaked_png_has_nothing_inside():
    assert png_unbake(badge_png(size=16)) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda png: b"GIF89a" + png[6:],  # not a PNG
        lambda png: png[:40],  # truncated
        lambda png: png[:-5] + bytes([png[-5] ^ 0xFF]) + png[-4:],  # IEND's CRC broken
    ],
)
def test_malformed_images_are_refused(damage):
    broken = damage(badge_png(size=16))

    with pytest.raises(PNGError):
        png_unbake(broken)
    with pytest.raises(PNGError):
        png_bake(broken, ASSERTION)


def test_a_compressed_itxt_chunk_is_read():
    png = badge_png(size=16)
    data = b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(ASSERTION.encode())
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF)
    iend = png.rindex(b"\x00\x00\x00\x00IEND")

    assert png_unbake(png[:iend] + chunk + png[iend:]) == ASSERTION
