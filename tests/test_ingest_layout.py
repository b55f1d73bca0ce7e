"""The page layout step (dondoc.ingest.layout): a two-sided header or closing read side by side,
and stamp frames left open on one side (dondoc.ingest.stamp)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from dondoc.ingest import layout

from . import fixtures as fx

DPI = 300
LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "Số: 512/UBND-VX", "V/v tăng cường công tác", "bảo vệ trẻ em"]
RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Giang, ngày 12 tháng 3 năm 2024"]
BODY = ["Thực hiện chỉ đạo của Bộ Lao động - Thương binh và Xã hội về công tác bảo vệ trẻ em,",
        "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và Ủy ban nhân dân các huyện, thành",
        "phố triển khai thực hiện tốt các nội dung sau đây trong năm 2024."]


def header_page() -> Image.Image:
    """A page laid out as NĐ 30/2020 has it: the issuer's side and the motto's side of the header
    on the same rows, then the body across the page."""
    img = Image.new("L", (2481, 3508), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(fx.FONT, int(12 * DPI / 72))
    step = int(0.25 * DPI)
    for i, line in enumerate(LEFT):
        d.text((int(0.8 * DPI), int(0.8 * DPI) + i * step), line, font=font, fill=0)
    for i, line in enumerate(RIGHT):
        d.text((int(3.6 * DPI), int(0.8 * DPI) + i * step), line, font=font, fill=0)
    for i, line in enumerate(BODY):
        d.text((int(0.8 * DPI), int(2.6 * DPI) + i * step), line, font=font, fill=0)
    return img


def test_the_two_sides_of_a_header_are_read_each_whole_left_then_right():
    found = layout.blocks(np.asarray(header_page()), DPI)
    lefts = [b for b in found if b.box[2] < 3.5 * DPI and b.box[1] < 2.4 * DPI]
    rights = [b for b in found if b.box[0] > 3.5 * DPI]
    body = [b for b in found if b.box[1] > 2.5 * DPI]
    assert lefts and rights and len(body) == 1
    order = {id(b): k for k, b in enumerate(found)}
    assert max(order[id(b)] for b in lefts) < min(order[id(b)] for b in rights) < order[id(body[0])]


def test_blocks_in_a_band_without_a_common_gutter_are_read_across():
    # two blocks side by side, then one across the page, then two again whose gap is elsewhere
    boxes = [(100, 100, 900, 300), (1200, 100, 2000, 300), (100, 400, 2000, 600),
             (100, 700, 1500, 900), (1700, 700, 2000, 900)]
    got = [b.box for b in layout.reading_order(boxes)]
    assert got == boxes


def test_a_line_tesseract_read_across_both_sides_is_cut_between_them():
    found = [layout.Block((0, 0, 1000, 500)), layout.Block((1200, 0, 2400, 500))]
    words = [("Số:", 100), ("512/UBND-VX", 300), ("Hà", 1300), ("Giang,", 1450), ("Độc", 1300)]
    data = {"text": [w for w, _ in words], "left": [x for _, x in words], "top": [100, 100, 100, 100, 40],
            "width": [150] * 5, "height": [40] * 5, "conf": [90] * 5, "block_num": [1] * 5,
            "par_num": [1] * 5, "line_num": [2, 2, 2, 2, 1]}
    out = layout.order_words(data, found)
    assert out["text"] == ["Số:", "512/UBND-VX", "Hà", "Giang,", "Độc"]
    assert out["block_num"][1] != out["block_num"][2]


@pytest.mark.ocr
def test_a_two_sided_header_reads_left_side_then_right_side(tesseract):
    from dondoc.ingest.ocr import ocr_image
    text = ocr_image(header_page()).text
    assert text.index("Số: 512/UBND-VX") < text.index("bảo vệ trẻ em") < text.index("CỘNG HÒA") < text.index("Thực hiện")
    assert "Hà Giang, ngày 12 tháng 3 năm 2024" in text


def test_a_stamp_frame_open_on_one_side_is_still_a_frame():
    from dondoc.ingest.stamp import candidate_boxes
    page = fx.incoming_stamp(Image.new("L", (2481, 3508), 255), "125", "26/02/2024")
    x1 = int(2481 * 0.55) + int(2.7 * DPI)
    ImageDraw.Draw(page).rectangle((x1 - 8, 0, x1 + 8, 3508), fill=255)      # the right rule never inked
    boxes = candidate_boxes(np.asarray(page), DPI)
    assert len(boxes) == 1
    x0, y0, bx1, y1 = boxes[0]
    assert abs(x0 - int(2481 * 0.55)) < 10 and abs(y0 - int(3508 * 0.06)) < 10 and abs(y1 - y0 - int(1.05 * DPI)) < 10


def test_a_line_box_without_sides_is_no_frame():
    from dondoc.ingest.stamp import candidate_boxes
    page = Image.new("L", (2481, 3508), 255)
    d = ImageDraw.Draw(page)
    d.line((300, 500, 2000, 500), fill=0, width=4)        # two rules, nothing joining them
    d.line((300, 800, 2000, 800), fill=0, width=4)
    assert candidate_boxes(np.asarray(page), DPI) == []


@pytest.mark.ocr
def test_an_open_stamp_whose_den_is_written_over_is_known_by_its_labels(tesseract):
    from dondoc.ingest.ocr import ocr_image
    page = fx.incoming_stamp(fx.render_page(fx.plain_lines(fx.seed_text())[:30]), "125", "26/02/2024", at=(0.55, 0.03))
    x, y = int(page.width * 0.55), int(page.height * 0.03)
    d = ImageDraw.Draw(page)
    d.rectangle((x + int(2.7 * DPI) - 8, y - 10, x + int(2.7 * DPI) + 8, y + int(1.1 * DPI)), fill=255)
    d.line([(x + 30 + i * 9, y + 130 + (i % 5) * 9) for i in range(30)], fill=0, width=4)     # a pen across ĐẾN
    d.text((x + int(0.95 * DPI), y + int(0.04 * DPI)), "Giờ: 8", font=ImageFont.truetype(fx.FONT_SANS, 40), fill=0)
    r = ocr_image(page)
    assert r.stamp is not None and r.stamp["number"] == "125"
    assert "Chuyển" not in r.text


def _data(words: list[tuple[str, int, int, int]]) -> dict:
    """Tesseract-like data of (word, x, y, block number), 40 px high, 90 sure."""
    return {"text": [w for w, *_ in words], "left": [x for _, x, _, _ in words], "top": [y for _, _, y, _ in words],
            "width": [30 * len(w) for w, *_ in words], "height": [40] * len(words), "conf": [90] * len(words),
            "block_num": [b for *_, b in words], "par_num": [1] * len(words), "line_num": [1] * len(words),
            "word_num": list(range(len(words)))}


def test_a_block_read_as_a_picture_is_read_again_and_put_where_it_stands():
    from dondoc.ingest import regions
    found = [layout.Block((100, 100, 500, 160)), layout.Block((1300, 500, 2300, 900)), layout.Block((100, 1000, 300, 1060))]
    data = _data([("Nơi", 110, 110, 1000), ("nhận", 250, 110, 1000), ("/", 1500, 600, 2000), ("Thực", 110, 1010, 3000)])
    calls = []

    def read(crop):
        calls.append(crop.size)
        return _data([("KT.", 10, 10, 1), ("CHỦ", 120, 10, 1), ("TỊCH", 260, 10, 1), ("~", 50, 200, 1), ("Nguyễn", 10, 300, 1)])
    out = regions.reread(Image.new("L", (2481, 3508), 255), data, found, DPI, read)
    assert calls == [(1000, 400)]           # only the block whose words were specks
    assert out["text"] == ["Nơi", "nhận", "KT.", "CHỦ", "TỊCH", "Nguyễn", "Thực"]
    assert out["left"][2] == 1310 and out["top"][5] == 800


def test_a_block_read_well_is_not_read_again():
    from dondoc.ingest import regions
    found = [layout.Block((100, 100, 600, 200))]
    data = _data([("Kính", 110, 110, 1000), ("gửi:", 260, 110, 1000)])
    assert regions.passed_over(data, found, DPI) == []


@pytest.mark.ocr
def test_a_seal_over_the_signer_block_leaves_its_name_read(tesseract):
    from dondoc.ingest.ocr import ocr_image
    img = Image.new("L", (2481, 3508), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(fx.FONT, int(13 * DPI / 72))
    for i, line in enumerate(fx.plain_lines(fx.seed_text())[:12]):
        d.text((int(0.8 * DPI), int(0.8 * DPI) + i * 75), line, font=font, fill=0)
    y = int(0.8 * DPI) + 14 * 75
    for i, line in enumerate(["Nơi nhận:", "- Như trên;", "- Lưu: VT."]):
        d.text((int(0.8 * DPI), y + i * 52), line, font=ImageFont.truetype(fx.FONT, 40), fill=0)
    d.text((int(4.6 * DPI), y), "KT. CHỦ TỊCH", font=font, fill=0)
    d.text((int(4.6 * DPI), y + 75), "PHÓ CHỦ TỊCH", font=font, fill=0)
    d.text((int(4.6 * DPI), y + 520), "Nguyễn Văn Sơn", font=font, fill=0)
    cx, cy = int(4.9 * DPI), y + 300
    for r in (200, 185, 120):                   # a round seal over the title and the name
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=90, width=8)
    d.line([(cx - 150 + i * 25, cy - 60 + (i % 4) * 40) for i in range(20)], fill=40, width=7)
    text = ocr_image(img).text
    assert "KT. CHỦ TỊCH" in text and "Nguyễn Văn Sơn" in text
    assert text.index("Lưu") < text.index("KT. CHỦ TỊCH")


def _figure_page(number: str, day: str, month: str) -> Image.Image:
    img = Image.new("L", (2481, 3508), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(fx.FONT, int(13 * DPI / 72))
    d.text((int(0.8 * DPI), int(0.8 * DPI)), f"Số: {number} /UBND-VX", font=font, fill=0)
    d.text((int(3.8 * DPI), int(0.8 * DPI)), f"Hà Giang, ngày {day} tháng {month} năm 2024", font=font, fill=0)
    for i, line in enumerate(BODY):
        d.text((int(0.8 * DPI), int(1.6 * DPI) + i * 75), line, font=font, fill=0)
    return img


@pytest.mark.ocr
def test_typed_header_figures_that_read_the_same_twice_are_kept(tesseract):
    from dondoc.ingest.ocr import ocr_image
    r = ocr_image(_figure_page("512", "12", "3"))
    assert "Số: 512 /UBND-VX" in r.text and "ngày 12 tháng 3 năm 2024" in r.text
    assert "figures" not in r.metadata


def test_a_header_figure_read_two_ways_is_left_empty_and_flagged(monkeypatch):
    from dondoc.ingest import figures
    data = _data([("Số:", 240, 240, 1), ("445", 340, 240, 1), ("/NQ-CP", 460, 240, 1),
                  ("Hà", 1140, 240, 2), ("Nội,", 1230, 240, 2), ("ngày", 1360, 240, 2), ("#3", 1500, 240, 2),
                  ("tháng", 1580, 240, 2), ("4", 1760, 240, 2), ("năm", 1800, 240, 2), ("2026", 1920, 240, 2)])
    seen = []

    def figures_of(crop):           # the figure read alone: the number as 115, the month as 4
        seen.append(crop.size)
        return ("115", 90.0) if len(seen) == 1 else ("4", 90.0)
    monkeypatch.setattr(figures, "_figures", figures_of)
    assert figures.check(Image.new("L", (2481, 3508), 255), data) == ["number", "day"]
    assert [w for w in data["text"] if w] == ["Số:", "/NQ-CP", "Hà", "Nội,", "ngày", "tháng", "4", "năm", "2026"]


def test_a_blank_number_is_asked_of_the_clerk():
    from dondoc.nlp.doc import build
    from dondoc.nlp.header import read_header
    h = read_header(build("CHÍNH PHỦ\n\nSố: /NQ-CP\n\nHà Nội, ngày tháng 4 năm 2026\n\nNGHỊ QUYẾT\nVề việc chuyển giao"))
    assert h.number is None and "Số văn bản để trống: cần nhập số." in h.warnings
    assert h.issued is None and "Ngày ban hành để trống: cần nhập ngày." in h.warnings


def test_a_garbled_title_before_the_legal_bases_is_header_not_a_task():
    # dev2/027 as dondoc reads the scan: the number left blank, the date line under the stamp,
    # the kind's title "THÔNG TƯ" garbled by a smudge; the title that follows is no task
    from dondoc.nlp.doc import build
    from dondoc.nlp.header import read_header
    from .conftest import CORPUS
    text = (CORPUS / "dev2-variants" / "real_pdf_read" / "027.txt").read_text(encoding="utf-8")
    h = read_header(build(text))
    assert text.index("Bãi bỏ một phần khoản 2 Điều 1") < h.header_end < text.index("Điều 1. Bãi bỏ")


def test_a_distribution_list_goes_on_past_a_dash_ocr_read_as_a_tilde():
    from dondoc.nlp.doc import build
    from dondoc.nlp.extract import closing_spans
    text = ("Điều 3. Các Bộ trưởng chịu trách nhiệm thi hành Nghị quyết này./.\n\nNơi nhận:\n- Ban Bí thư;\n"
            "~ Hội đồng Dân tộc;\n- VPCP: BTCN, các PCN, Trợ lý TTg, các Vụ, Cục, đơn vị trực thuộc, Công báo;\n- Lưu: VT.\n")
    doc = build(text)
    (s, e), = closing_spans(doc)
    assert text[s:e].endswith("- Lưu: VT.")
