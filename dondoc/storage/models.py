"""Tables. Documents hold what was read; dispatches and tasks what was extracted and tracked."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy import event
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.orm.attributes import NEVER_SET, NO_VALUE

from ..domain import Review, Status
from ..domain.register import Secrecy, Urgency


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Versioned:
    """An editable record. `version` counts its saves: SQLAlchemy writes a row only where the
    version is still the one it read, and a form or an API call carrying an older version is
    refused (storage.versions) with who saved last, when and what they changed."""
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    change_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class Document(Base):
    """One ingested file: its original kept on disk, its text page by page."""
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(String(500))
    mime: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))          # pdf | image | docx | text
    size: Mapped[int] = mapped_column(Integer)
    stored_path: Mapped[str] = mapped_column(String(500))  # relative to the data folder
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # what the reader learned besides the text (ReadResult.metadata): an incoming stamp's
    # number and date, PDF annotations and form fields, an edXML envelope's header
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    # files that came inside this one (ReadResult.children, without their bytes): name, mime,
    # role (attachment | document), and for an attachment its sha256 and stored_path
    children: Mapped[list] = mapped_column(JSON, default=list)
    pages: Mapped[list["Page"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                               order_by="Page.number")
    dispatch: Mapped["Dispatch | None"] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                       uselist=False)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text.strip("\n") for p in self.pages)


class Page(Base):
    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10))        # text | ocr
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)   # Page.metadata of the reader
    document: Mapped[Document] = relationship(back_populates="pages")


class Agency(Versioned, Base):
    """A body that owes or receives work, by its canonical full name."""
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True, index=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    emails: Mapped[list] = mapped_column(JSON, default=list)   # digest recipients
    # its electronic identifier on the national e-document exchange (mã định danh, 000.00.00.G22)
    organ_id: Mapped[str | None] = mapped_column(String(60), nullable=True, unique=True, index=True)
    aliases: Mapped[list["AgencyAlias"]] = relationship(back_populates="agency", cascade="all, delete-orphan")


class AgencyAlias(Base):
    __tablename__ = "agency_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True, index=True)   # folded form
    # added by an administrator: the extractor learns it as a name of its agency
    local: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    agency: Mapped[Agency] = relationship(back_populates="aliases")


class Dispatch(Versioned, Base):
    """The record extracted from a document (and corrected by a clerk), and its line in the
    office's register of incoming documents (NĐ 30/2020, appendix IV)."""
    __tablename__ = "dispatches"
    __table_args__ = (UniqueConstraint("arrival_year", "arrival_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str | None] = mapped_column(String(120), index=True, nullable=True)
    issued: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    place: Mapped[str | None] = mapped_column(String(120), nullable=True)
    issuer: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    issuer_parent: Mapped[str | None] = mapped_column(String(300), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(60), nullable=True)
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    signer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    signer_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    cites: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")    # the text the task spans point into
    # a stripped or garbled text with its diacritics restored, for reading (dondoc.restore);
    # garbled: runs [restored start, original start, length] map it back to `text`
    text_restored: Mapped[str | None] = mapped_column(Text, nullable=True)
    restored_mode: Mapped[str | None] = mapped_column(String(10), nullable=True)   # stripped | garbled
    restored_map: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # where an edXML envelope's header won over what extraction read on the page: {field: what
    # extraction read}, shown beside the field at review
    header_alternatives: Mapped[dict] = mapped_column(JSON, default=dict)
    # the time limit the sender set for handling it (an edXML envelope's DueDate)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # agencies and deadlines found by extraction: [start, end, "agency" | "deadline", title],
    # character offsets into `text`, rendered by the review page as stored
    marks: Mapped[list] = mapped_column(JSON, default=list)
    # pending until a clerk confirms it into tracking (or refuses it)
    review: Mapped[str] = mapped_column(String(20), default=Review.PENDING, server_default=Review.PENDING.value,
                                        index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the register: số đến is the office's own sequence of the year, given at registration
    arrival_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    arrival_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    arrival_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.NORMAL, server_default=Urgency.NORMAL.value)
    secrecy: Mapped[str] = mapped_column(String(20), default=Secrecy.NORMAL, server_default=Secrecy.NORMAL.value)
    handler_unit: Mapped[str | None] = mapped_column(String(300), nullable=True)     # đơn vị xử lý
    handler_person: Mapped[str | None] = mapped_column(String(200), nullable=True)   # người xử lý
    handed_on: Mapped[date | None] = mapped_column(Date, nullable=True)              # ngày chuyển
    register_note: Mapped[str | None] = mapped_column(Text, nullable=True)           # ghi chú
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    document: Mapped[Document] = relationship(back_populates="dispatch")
    tasks: Mapped[list["Task"]] = relationship(back_populates="dispatch", cascade="all, delete-orphan",
                                               foreign_keys="Task.dispatch_id",
                                               order_by="Task.seq")
    history: Mapped[list["DispatchEvent"]] = relationship(back_populates="dispatch", cascade="all, delete-orphan",
                                                          order_by="DispatchEvent.at")

    @hybrid_property
    def confirmed(self) -> bool:
        """Under tracking: its tasks are obligations."""
        return self.review == Review.CONFIRMED

    @confirmed.inplace.setter
    def _confirmed_setter(self, value: bool) -> None:
        # the state alone, for fixtures and bulk loads: a clerk's confirmation, which registers
        # the dispatch (số đến), is tracking.register.confirm
        self.review = Review.CONFIRMED if value else Review.PENDING

    @confirmed.inplace.expression
    @classmethod
    def _confirmed_expression(cls):
        return cls.review == Review.CONFIRMED.value

    @property
    def arrival(self) -> str:
        """Số đến as the register writes it (`15/2026`), empty before registration."""
        return f"{self.arrival_number}/{self.arrival_year}" if self.arrival_number else ""


class Task(Versioned, Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    span_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)   # why it is suspended
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    evidence_dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id"), nullable=True)
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    text_restored: Mapped[str | None] = mapped_column(Text, nullable=True)   # `text` with its diacritics back, while unedited
    # from extraction: how sure (0..1), where the lead came from, why it is a task
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    lead_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    dispatch: Mapped[Dispatch] = relationship(back_populates="tasks", foreign_keys=[dispatch_id])
    # in the order extraction (or a clerk) wrote them, whichever index the database reads them by
    agencies: Mapped[list["TaskAgency"]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                        order_by="TaskAgency.id")
    deadlines: Mapped[list["Deadline"]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                       order_by="Deadline.due")
    history: Mapped[list["TaskEvent"]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                      order_by="TaskEvent.at")
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                      order_by="Evidence.id", foreign_keys="Evidence.task_id")

    @property
    def shown_text(self) -> str:
        """The text people read: restored when the dispatch was typed without diacritics or
        read by OCR without Vietnamese; `text`, the original, is what spans point into."""
        return self.text_restored or self.text

    def names(self, role: str) -> list[str]:
        return [ta.agency.name for ta in self.agencies if ta.role == role]


class TaskAgency(Base):
    __tablename__ = "task_agencies"
    __table_args__ = (UniqueConstraint("task_id", "agency_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))          # lead | support
    task: Mapped[Task] = relationship(back_populates="agencies")
    agency: Mapped[Agency] = relationship()


class Deadline(Base):
    """One date a task is due by; a recurring task has one per period. An extension keeps the
    original date."""
    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    original_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="absolute")
    rule: Mapped[str | None] = mapped_column(String(20), nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # a period counted from an event of unknown date, kept as the text says it (no date yet)
    condition: Mapped[str | None] = mapped_column(Text, nullable=True)
    span_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    span_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    task: Mapped[Task] = relationship(back_populates="deadlines")


class Evidence(Base):
    """What shows a task worked on or done, whatever its status: a file (kept under a generated
    name, given back under its original one), a note, or a dispatch the office received (the
    reply the register records). Removing one is recorded; nothing is erased."""
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    filename: Mapped[str | None] = mapped_column(String(300), nullable=True)       # as uploaded
    stored_path: Mapped[str | None] = mapped_column(String(500), nullable=True)    # under the data folder
    mime: Mapped[str | None] = mapped_column(String(120), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    added_by: Mapped[str] = mapped_column(String(120), default="hệ thống")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    removed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    task: Mapped["Task"] = relationship(back_populates="evidence", foreign_keys=[task_id])
    dispatch: Mapped["Dispatch | None"] = relationship(foreign_keys=[dispatch_id])

    @property
    def live(self) -> bool:
        return self.removed_at is None


class TaskEvent(Base):
    """Every change to a task: who, when, what and why."""
    __tablename__ = "task_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), default="hệ thống")
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    task: Mapped[Task] = relationship(back_populates="history")


class EdxmlMessage(Base):
    """A message received from the national e-document exchange: its identifier makes a second
    delivery a duplicate, and the statuses told back to its sender hang from it."""
    __tablename__ = "edxml_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True, index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    document_ref: Mapped[str | None] = mapped_column(String(300), nullable=True)  # DocumentId as written
    sender_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    sender_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    recipient_id: Mapped[str | None] = mapped_column(String(60), nullable=True)   # this office, as addressed
    recipient_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    code: Mapped[str | None] = mapped_column(String(120), nullable=True)          # số, ký hiệu in the envelope
    issued: Mapped[date | None] = mapped_column(Date, nullable=True)
    deliveries: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_delivery_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    document: Mapped[Document] = relationship()
    statuses: Mapped[list["EdxmlStatus"]] = relationship(back_populates="message", cascade="all, delete-orphan",
                                                         order_by="EdxmlStatus.id")


class EdxmlStatus(Base):
    """A status owed to a message's sender (status.CODES), written into the gateway's folder once."""
    __tablename__ = "edxml_statuses"
    __table_args__ = (UniqueConstraint("message_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("edxml_messages.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    file: Mapped[str | None] = mapped_column(String(500), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[EdxmlMessage] = relationship(back_populates="statuses")
class DispatchEvent(Base):
    """Every change to a dispatch as a whole: its header, its register line, its review."""
    __tablename__ = "dispatch_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), default="hệ thống")
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    dispatch: Mapped[Dispatch] = relationship(back_populates="history")


class AgencyProposal(Base):
    """A body named somewhere — found by extraction, typed by a clerk, named as an edXML
    sender — that the agency list does not know, until an admin accepts it, merges it into an
    agency already known, or rejects it (it is not a body: the national motto read as a lead)."""
    __tablename__ = "agency_proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))                     # as first written
    key: Mapped[str] = mapped_column(String(300), unique=True, index=True)   # folded
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)   # see agency_proposals.State
    # where it was seen: [{"source": "extraction" | "clerk" | "edxml", "detail": ..., "dispatch_id": ..., "at": ...}]
    sources: Mapped[list] = mapped_column(JSON, default=list)
    seen: Mapped[int] = mapped_column(Integer, default=1)
    # the agency row tasks point to meanwhile (none for a name no task uses, e.g. a sender)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), nullable=True)
    # accepted: the agency it became; merged: the agency it was merged into
    target_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    target: Mapped[Agency | None] = relationship(foreign_keys=[target_id])


class IndexJob(Base):
    """Index work not yet done (the search index was down): replayed when it is back."""
    __tablename__ = "index_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))        # dispatch
    entity_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10))            # upsert | delete
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))          # clerk | manager | agency_staff | admin
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # an agency's staff see and update the tasks of their agency only (tracking.scope)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """Background work (reading an uploaded file, a check run). This table is the truth about
    every job; the broker (huey) only wakes a worker, which claims the job here. A running job
    names the worker that holds it and carries its heartbeat: a job whose worker stopped beating
    is queued again (`dondoc.jobs.queue.recover`)."""
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="ingest")    # ingest | check
    queue: Mapped[str] = mapped_column(String(20), default="default", index=True)   # default | ocr
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)    # queued | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)   # why the last attempt failed, in Vietnamese
    message: Mapped[str | None] = mapped_column(Text, nullable=True)      # the outcome shown to the user
    worker: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    pages_done: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pages_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    filename: Mapped[str] = mapped_column(String(500), default="")
    stored_path: Mapped[str | None] = mapped_column(String(500), nullable=True)   # generated name under the data folder
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)            # what a kind needs beyond the columns
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)     # e.g. a check's findings
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), nullable=True)
    username: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Worker(Base):
    """A process that runs jobs, beating while it lives."""
    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)      # host:pid:token
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    queues: Mapped[list] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MailMessage(Base):
    """An e-mail read by `dondoc mail`, handled once: its attachments went in as uploads (done),
    or it stays in its folder with the reason (failed: retried only once the reason may have
    passed — a server or database error, not a file dondoc cannot read)."""
    __tablename__ = "mail_messages"
    __table_args__ = (UniqueConstraint("account", "message_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(300))          # user@host/folder
    message_id: Mapped[str] = mapped_column(String(500))       # Message-ID, or the message's checksum
    sender: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))            # done | failed | retry
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # per attachment: name, sha256, upload job id, document id, duplicate, error
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subscription(Base):
    """A user who wants the digest of an agency."""
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)


class DigestLog(Base):
    """One digest to one address on one day: sent once, a failure retried on the next run."""
    __tablename__ = "digest_log"
    __table_args__ = (UniqueConstraint("day", "key", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    key: Mapped[str] = mapped_column(String(80))            # agency:<id> | user:<id>
    address: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))         # sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarDay(Base):
    """A day an administrator made a day off or a working day (the year's swapped and
    compensatory days): read into `domain.WorkingCalendar`."""
    __tablename__ = "calendar_days"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10))             # domain.DayKind
    note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@event.listens_for(Task.text, "set")
def _edited_text_drops_its_restored_copy(task: Task, value, old, initiator) -> None:
    # a clerk's wording replaces the original: a copy restored from the old one would contradict it
    if old not in (NO_VALUE, NEVER_SET, None) and value != old:
        task.text_restored = None


class UserSession(Base):
    """A signed-in browser. The cookie holds only this row's token; logging out revokes the row,
    so a copy of the cookie is worth nothing afterwards, in every web process."""
    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginFailure(Base):
    """One wrong password, counted against the account and the address it came from."""
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ApiToken(Base):
    """A key another office system uses for the API on behalf of a user; only its hash is kept.
    An admin revokes it."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)   # sha256 of the token
    prefix: Mapped[str] = mapped_column(String(12))                         # shown to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user: Mapped[User] = relationship()
