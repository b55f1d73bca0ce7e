"""Plain data produced by the extractor (dataclasses, JSON-ready through `asdict`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Deadline:
    date: str | None          # ISO date, None when the text gives none (e.g. "thường xuyên")
    source: str               # the words in the text
    kind: str                 # absolute | period_end | relative | recurring
    rule: str | None = None   # monthly | quarterly | half_yearly | yearly for recurring ones
    span: tuple[int, int] | None = None


@dataclass
class Task:
    text: str
    span: tuple[int, int]
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class AgencyMention:
    name: str                 # as written
    canonical: str            # full words, abbreviations expanded
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Cite:
    kind: str | None
    number: str
    date: str | None = None
    issuer: str | None = None


@dataclass
class Signer:
    name: str | None = None
    title: str | None = None


@dataclass
class Dispatch:
    number: str | None = None
    issued: str | None = None
    place: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    kind: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    cites: list[Cite] = field(default_factory=list)
    text: str = ""
    tasks: list[Task] = field(default_factory=list)
    agencies: list[AgencyMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
