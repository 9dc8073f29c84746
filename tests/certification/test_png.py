import io
import json
import struct
import zlib

import pytest
from PIL import Image

from certification.png import PNGError, badge_png, png_bake, png_chunks, png_unbake

ASSERTION = json.dumps({"type": "Assertion", "recipient": "Zoë ✓"}, ensure_ascii=False)
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _image(png: bytes):
    return Image.open(io.BytesIO(png))


def _pixels(image) -> list[tuple[int, int, int, int]]:
    data = image.convert("RGBA").tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def _opaque(image, box) -> int:
    """How many pixels of `box` (fractions of the size) are opaque."""
    size = image.width
    crop = image.crop(tuple(round(f * size) for f in box))
    return sum(1 for *_, alpha in _pixels(crop) if alpha > 200)


def _insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    iend = png.rindex(b"\x00\x00\x00\x00IEND")
    return png[:iend] + chunk + png[iend:]


BADGE = {"title": "Empathy Essentials", "level": "Certified", "issuer": "Attune"}


@pytest.mark.parametrize("size", [1, 31, 64, 256])
def test_badge_png_is_a_valid_rgba_png_of_the_given_size(size):
    png = badge_png(size=size, **BADGE)

    chunks = png_chunks(png)  # verifies every CRC
    width, height, depth, color, *methods = struct.unpack(">IIBBBBB", chunks[0][1])
    assert png.startswith(SIGNATURE)
    assert chunks[0][0] == b"IHDR"
    assert {kind for kind, _ in chunks[1:-1]} == {b"IDAT"}
    assert (width, height, depth, color, methods) == (size, size, 8, 6, [0, 0, 0])
    assert _image(png).size == (size, size)


def test_the_same_badge_is_drawn_to_the_same_bytes():
    assert badge_png(**BADGE) == badge_png(**BADGE)


def test_the_program_name_level_and_issuer_are_drawn():
    plain = badge_png()

    assert badge_png(title="Empathy Essentials") != plain
    assert badge_png(title="Empathy Essentials") != badge_png(title="De-escalation")
    assert badge_png(level="Certified") != plain
    assert badge_png(issuer="Attune") != plain


def test_the_name_is_written_in_white_across_the_disc():
    named = _image(badge_png(title="Empathy Essentials")).convert("RGBA")
    blank = _image(badge_png()).convert("RGBA")
    middle = (0.3, 0.35, 0.7, 0.48)

    def white(image):
        crop = image.crop(tuple(round(f * image.width) for f in middle))
        return sum(1 for r, g, b, a in _pixels(crop) if min(r, g, b) > 230 and a > 200)

    assert white(blank) == 0
    assert white(named) > 50


def test_the_badge_is_a_medal_on_ribbon_tails_on_a_transparent_square():
    image = _image(badge_png(rgb=(10, 20, 30), **BADGE)).convert("RGBA")
    size = image.width

    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((size - 1, 0))[3] == 0
    assert image.getpixel((size // 2, size // 8))[3] == 255  # the medal
    # below the medal, the two tails hang on either side, with a gap between them
    assert _opaque(image, (0.2, 0.88, 0.35, 0.94)) > 0
    assert _opaque(image, (0.65, 0.88, 0.8, 0.94)) > 0
    assert _opaque(image, (0.47, 0.88, 0.53, 0.94)) == 0


def test_a_very_long_program_name_still_fits_the_disc():
    name = "Empathy Essentials for customer support teams: the full ninety-day rollout " * 2
    image = _image(badge_png(title=name)).convert("RGBA")

    # no white text pixel beyond the disc's inner ring, left or right
    edge = image.crop((0, 0, round(image.width * 0.12), image.height))
    assert not any(min(r, g, b) > 230 and a > 200 for r, g, b, a in _pixels(edge))


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
