"""Agencies by the initialisms offices write: one rule for every gazetteer name."""
from __future__ import annotations

import pytest

from dondoc.initialisms import InitialismIndex, gazetteer_names, initialisms, split_locality


@pytest.mark.parametrize("name, forms", [
    ("Sở Tài chính", {"STC", "Sở TC"}),
    ("Bộ Y tế", {"BYT", "Bộ YT"}),
    ("Sở Giáo dục và Đào tạo", {"SGDĐT", "SGD&ĐT", "Sở GDĐT", "Sở GD&ĐT"}),
    ("Bộ Lao động - Thương binh và Xã hội", {"BLĐTBXH", "BLĐTB&XH", "Bộ LĐTBXH", "Bộ LĐTB&XH"}),
    ("Ủy ban nhân dân", {"UBND", "Ủy ban ND"}),
])
def test_the_rule_gives_the_initialisms_offices_write(name, forms):
    assert initialisms(name) == forms


def test_two_letter_initialisms_are_not_made():
    assert initialisms("Chính phủ") == set() and initialisms("Thanh tra") == set()


def test_every_gazetteer_body_is_found_by_each_of_its_initialisms():
    names = gazetteer_names()
    index = InitialismIndex(names)
    assert len(names) > 80
    for name in names:
        body = split_locality(name)[0]
        for form in initialisms(body):
            assert body in index.lookup(form).names, (name, form)


@pytest.mark.parametrize("name, body, locality", [
    ("Sở Tài chính tỉnh Lâm Đồng", "Sở Tài chính", "tỉnh Lâm Đồng"),
    ("Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân", "thành phố Hà Nội"),
    ("Sở Tài chính Lâm Đồng", "Sở Tài chính", "Lâm Đồng"),
    ("Ban Tổ chức Tỉnh ủy", "Ban Tổ chức", "Tỉnh ủy"),
    ("Bộ Y tế", "Bộ Y tế", ""),
])
def test_a_name_is_its_body_and_its_locality(name, body, locality):
    assert split_locality(name) == (body, locality)


@pytest.fixture
def register():
    return InitialismIndex(gazetteer_names() | {"Sở Tài chính tỉnh Lâm Đồng", "Sở Tài chính tỉnh Kon Tum",
                                                "Ban Tổ chức Tỉnh ủy"})


def test_an_initialism_that_fits_several_finds_them_all_the_office_locality_first(register):
    assert register.lookup("STC", "tỉnh Kon Tum").names == ["Sở Tài chính tỉnh Kon Tum", "Sở Tài chính",
                                                            "Sở Tài chính tỉnh Lâm Đồng"]
    assert set(register.lookup("BTC").names) == {"Bộ Tài chính", "Ban Tổ chức Tỉnh ủy"}


@pytest.mark.parametrize("written", ["STC", "Sở TC", "stc", "so tc"])
def test_written_with_or_without_capitals(register, written):
    assert "Sở Tài chính" in register.lookup(written).names


def test_without_the_letter_d_with_stroke_it_is_the_same_body(register):
    assert register.lookup("SGDDT").names == register.lookup("Sở GD&ĐT").names == ["Sở Giáo dục và Đào tạo"]


def test_an_initialism_with_a_locality(register):
    assert register.lookup("STC Lâm Đồng").names == ["Sở Tài chính tỉnh Lâm Đồng"]
    assert register.lookup("Sở TC tỉnh Kon Tum").names == ["Sở Tài chính tỉnh Kon Tum"]


def test_nothing_fits_then_the_nearest_names_are_suggested(register):
    assert register.lookup("Sở Tai chin").names == []
    assert register.suggest("Sở Tai chin")[0] == "Sở Tài chính"
    assert "Bộ Y tế" in register.suggest("BYTT")
