"""Plain data produced by the extractor (dataclasses, JSON-ready through `asdict`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Deadline:
    date: str | None          # ISO date, None when the text gives none (e.g. "thường xuyên")
    source: str               # the words in the text
    kind: str                 # absolute | period_end | relative | recurring
    rule: str | None          # monthly | quarterly | half_yearly | yearly for recurring ones
    span: tuple[int, int]     # where the text says it (every parser knows)
    # a period counted from an event of unknown date ("kể từ ngày kết thúc đợt kiểm tra"):
    # no date, the event kept as text for the clerk
    condition: str | None = None


@dataclass
class Task:
    text: str
    span: tuple[int, int]
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    # how sure the extractor is (0..1) that this is a task and that its lead is right
    confidence: float = 1.0
    # where the lead came from, strongest first: explicit ("X chủ trì", "Giao X") | subject (the
    # clause's subject) | heading (the heading or lead-in above) | table (a lead column) |
    # recipients (Kính gửi) | issuer
    evidence: str = ""
    reason: str = ""          # why the sentence was taken for a task, in words (for the review page)


@dataclass
class AgencyMention:
    name: str                 # as written
    canonical: str            # full words, abbreviations expanded
    spans: list[tuple[int, int]] = field(default_factory=list)
    known: bool = True        # False: a body the gazetteer does not know, recognised by its head noun


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
    # bodies named as leads or supports that the gazetteer does not know (canonical names): the
    # pipeline proposes them to the admin's agency list
    proposed_agencies: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
