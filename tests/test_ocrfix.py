"""Repairing words read by an OCR engine without Vietnamese, one confusion per test."""
import pytest


@pytest.mark.parametrize("garbled, syllable", [("ctr", "cu"), ("chitc", "chuc"), ("chttc", "chuc"), ("ngir", "ngu")])
def test_u_with_a_horn_drawn_as_two_glyphs_is_repaired(garbled, syllable):
    # OCR without Vietnamese draws "ứ", "ữ" as "tr", "ir", "it", "tt": "căn ctr", "chitc năng"
    from dondoc.nlp.ocrfix import nearest
    assert nearest(garbled) == syllable
