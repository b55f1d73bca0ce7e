"""A bounded fuzz test of the readers (issue #12): a few hundred mutated PDFs, Word files,
images and texts, each read or refused with a reason (an IngestError with its code and a
Vietnamese message), never a traceback. Hypothesis with a fixed seed, so every run is the same."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, seed, settings as hsettings, strategies as st

from dondoc.ingest.errors import IngestError
from dondoc.pipeline import read_file

from .conftest import CORPUS

TEXT = (CORPUS / "dev" / "002.txt").read_text(encoding="utf-8")[:1500]


def _pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from .fixtures import FONT_SANS
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_SANS))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(300, 200))            # a small page: OCR of a mutant stays quick
    c.setFont("DejaVuSans", 9)
    for i, line in enumerate(TEXT.splitlines()[:12]):
        c.drawString(10, 185 - 14 * i, line[:60])
    c.save()
    return buf.getvalue()


def _docx() -> bytes:
    import docx
    d = docx.Document()
    for line in TEXT.splitlines()[:20]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _png() -> bytes:
    from PIL import Image, ImageDraw, ImageFont
    from .fixtures import FONT
    img = Image.new("L", (320, 60), 255)
    ImageDraw.Draw(img).text((5, 15), "Sở Tư pháp báo cáo", font=ImageFont.truetype(FONT, 20), fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


SEEDS = {"pdf": _pdf, "docx": _docx, "png": _png, "txt": lambda: TEXT.encode("utf-8")}

mutation = st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate", "repeat"]),
                     st.floats(0, 1), st.integers(1, 64), st.binary(min_size=1, max_size=16))


def mutate(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op, where, n, junk in ops:
        i = int(where * max(len(b) - 1, 0))
        if op == "flip" and b:
            for k in range(i, min(i + n, len(b))):
                b[k] ^= junk[k % len(junk)] or 0xFF
        elif op == "delete":
            del b[i:i + n]
        elif op == "insert":
            b[i:i] = junk * (n // len(junk) + 1)
        elif op == "truncate":
            del b[i:]
        elif op == "repeat":
            b[i:i] = bytes(b[i:i + n]) * 4
    return bytes(b)


@pytest.fixture(scope="module")
def seeds():
    return {k: make() for k, make in SEEDS.items()}


@pytest.mark.parametrize("kind", list(SEEDS))
def test_mutated_files_are_read_or_refused_with_a_reason(kind, seeds, settings, tmp_path):
    seen = {"read": 0, "refused": 0}

    @seed(20261201)
    @hsettings(max_examples=75, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))
    @given(st.lists(mutation, min_size=1, max_size=4))
    def one(ops):
        f = tmp_path / f"dot-bien.{kind}"
        f.write_bytes(mutate(seeds[kind], ops))
        try:
            read_file(f, settings)
            seen["read"] += 1
        except IngestError as exc:
            assert exc.code and exc.message and not exc.message.isascii(), exc.message
            seen["refused"] += 1
    one()
    assert seen["read"] + seen["refused"] >= 75
