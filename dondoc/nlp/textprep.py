"""Cleaning text read from any source into the one text every span points into."""
from __future__ import annotations

import re
import unicodedata

_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:mailto:|https?://)[^)\s]+\)")
_MD_EMPH = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


def clean(text: str) -> str:
    """NFC, plain line breaks, no markdown emphasis, no trailing spaces; line structure kept."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    text = text.replace("**", "")
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPH.sub(r"\1", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n") + "\n"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
