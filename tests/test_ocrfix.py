"""Repairing words read by an OCR engine without Vietnamese, one confusion per test."""
import pytest


@pytest.mark.parametrize("garbled, syllable", [("ctr", "cu"), ("chitc", "chuc"), ("chttc", "chuc"), ("ngir", "ngu")])
def test_u_with_a_horn_drawn_as_two_glyphs_is_repaired(garbled, syllable):
    # OCR without Vietnamese draws "ứ", "ữ" as "tr", "ir", "it", "tt": "căn ctr", "chitc năng"
    from dondoc.nlp.ocrfix import nearest
    assert nearest(garbled) == syllable


def test_thanh_pho_with_its_o_read_as_e_is_put_back():
    from dondoc.nlp.ocrfix import repair
    text = "Uy ban nhan dan cac huyén, thanh phé va cac co quan; THANH PHÉ"      # dev OCR 003
    fixed, offsets = repair(text)
    assert "cac huyén, thanh phố va" in fixed and fixed.endswith("THANH PHỐ") and len(offsets) == len(fixed) + 1


def test_a_lead_listed_with_its_locality_in_ocr_text():
    from dondoc.nlp.extract import extract

    from .conftest import CORPUS
    raw = (CORPUS / "dev-variants/ocr_eng/003.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("Cac sé, ban, nganh; Uy ban nhan dan"))
    assert t.lead[:2] == ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thành phố"]


def test_a_speck_read_as_a_colon_after_a_sentence_is_dropped():
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair("dé Luat tré em duoc trién khai tir ngay 01 thang 6 nam\n2017. :\n")      # seeds OCR 002
    assert fixed.endswith("2017.  \n") and len(offsets) == len(fixed) + 1
    assert repair("cu thé nhu sau:\n")[0].endswith("sau:\n")          # a real lead-in keeps its colon
