"""Deadline digests through a real SMTP server on loopback (aiosmtpd), and calendar feeds."""
from __future__ import annotations

import email
from dataclasses import replace
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from dondoc import config
from dondoc.domain import Status
from dondoc.digest.send import parse_every, run
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope, upgrade
from dondoc.web.auth import create_user

from .conftest import CORPUS, free_port

pytestmark = pytest.mark.both_databases

TODAY = date(2024, 11, 25)


class Mailbox:
    def __init__(self):
        self.messages = []          # (recipient, email.message.Message)
        self.refuse = set()
        self.sessions = []          # per message: over TLS?, logged in as

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for r in envelope.rcpt_tos:
            self.messages.append((r, msg))
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None   # STARTTLS or TLS throughout
        self.sessions.append({"tls": tls, "login": session.auth_data})
        return "250 Message accepted"



@pytest.fixture
def smtp():
    box = Mailbox()
    port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=port)
    ctl.start()
    yield box, port
    ctl.stop()


@pytest.fixture(scope="module")
def office_ca(tmp_path_factory):
    """An office's own certificate authority and the mail server certificate it signed."""
    from datetime import datetime, timezone
    from ipaddress import ip_address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    d = tmp_path_factory.mktemp("ca")
    now = datetime.now(timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Văn phòng UBND tỉnh (thử)")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.example.vn")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return d


def _login(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"dondoc", b"mat-khau-thu")
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)


@pytest.fixture(params=["starttls", "ssl"])
def secure_smtp(request, office_ca):
    """A mail server that takes mail only over TLS (STARTTLS or TLS from the first byte) and
    only from a logged-in sender."""
    import ssl
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(office_ca / "server.pem", office_ca / "server.key")
    box, port = Mailbox(), free_port()
    if request.param == "starttls":
        ctl = Controller(box, hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True,
                         auth_required=True, authenticator=_login)
    else:
        ctl = Controller(box, hostname="127.0.0.1", port=port, ssl_context=ctx, auth_required=True,
                         auth_require_tls=False, authenticator=_login)
    ctl.start()
    yield request.param, box, port
    ctl.stop()


@pytest.fixture
def register(tmp_path, smtp, database):
    box, port = smtp
    s = config.load(data_dir=tmp_path / "data", database_url=database, smtp_host="127.0.0.1", smtp_port=port, mail_from="dondoc@so-tu-phap.vn",
                    base_url="https://dondoc.example.vn")
    upgrade(s)
    ingest_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", s, index=False, confirm=True)
    with session_scope(s) as db:
        ld = db.scalar(select(m.Agency).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
        ld.emails = ["so.ldtbxh@example.vn", "hong@example.vn"]
        huyen = db.scalar(select(m.Agency).where(m.Agency.name == "Ủy ban nhân dân cấp huyện"))
        huyen.emails = ["huyen@example.vn"]
        u = create_user(db, "lanhdao", "matkhau", "manager", "lanhdao@example.vn")
        db.add(m.Subscription(user_id=u.id, agency_id=huyen.id))
        # a done task is never in a digest
        done = db.scalar(select(m.Task).where(m.Task.text.like("Chỉ đạo Sở LĐTBXH%")))
        done.deadlines.append(m.Deadline(due=date(2024, 11, 10), original_due=date(2024, 11, 10), source="thử", kind="absolute"))
        done.status = Status.DONE
    return s


def by_rcpt(box):
    return {r: msg for r, msg in box.messages}


def parts(msg):
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return text, html


def test_each_agency_gets_its_due_and_overdue_tasks_in_both_parts(register, smtp):
    box, _ = smtp
    out = run(register, TODAY, days=40)
    assert not out.failed
    got = by_rcpt(box)
    assert set(got) == {"so.ldtbxh@example.vn", "hong@example.vn", "huyen@example.vn", "lanhdao@example.vn"}
    text, html = parts(got["so.ldtbxh@example.vn"])
    assert "QUÁ HẠN CHƯA HOÀN THÀNH (1)" in text and "quá 5 ngày" in text and "687/LĐTBXH-TTr" in text
    assert "https://dondoc.example.vn/tasks/" in text
    assert "Quá hạn chưa hoàn thành (1)" in html and "quá 5 ngày" in html and 'href="https://dondoc.example.vn/tasks/' in html
    assert "Chỉ đạo Sở LĐTBXH" not in text         # done: not in the digest
    text, html = parts(got["huyen@example.vn"])
    assert "QUÁ HẠN" not in text and "chỉ đạo UBND cấp huyện" in text
    assert "ĐẾN HẠN TRONG 40 NGÀY TỚI (1)" in text and "31/12/2024" in text and "còn 36 ngày" in text
    assert got["lanhdao@example.vn"]["Subject"].endswith("Ủy ban nhân dân cấp huyện")


def test_overdue_comes_first_and_items_sort_by_deadline(register, smtp):
    box, _ = smtp
    with session_scope(register) as db:          # the manager follows the Sở's work as well
        u = db.scalar(select(m.User).where(m.User.username == "lanhdao"))
        ld = db.scalar(select(m.Agency).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
        db.add(m.Subscription(user_id=u.id, agency_id=ld.id))
    run(register, TODAY, days=40)
    text, _ = parts(by_rcpt(box)["lanhdao@example.vn"])
    assert text.index("20/11/2024") < text.index("31/12/2024")


def test_running_twice_the_same_day_sends_nothing_twice(register, smtp):
    box, _ = smtp
    run(register, TODAY, days=40)
    n = len(box.messages)
    second = run(register, TODAY, days=40)
    assert len(box.messages) == n and not second.sent and len(second.skipped) == 4


def test_a_refused_address_is_reported_does_not_stop_others_and_is_retried(register, smtp):
    box, _ = smtp
    box.refuse.add("hong@example.vn")
    out = run(register, TODAY, days=40)
    assert [(k, a) for k, a, _ in out.failed] == [(out.failed[0][0], "hong@example.vn")]
    assert {r for r, _ in box.messages} == {"so.ldtbxh@example.vn", "huyen@example.vn", "lanhdao@example.vn"}
    box.refuse.clear()
    again = run(register, TODAY, days=40)
    assert [a for _, a in again.sent] == ["hong@example.vn"]
    with session_scope(register) as s:
        row = s.scalar(select(m.DigestLog).where(m.DigestLog.address == "hong@example.vn"))
        assert row.status == "sent" and row.attempts == 2


def test_tasks_not_yet_confirmed_are_not_in_digests(register, smtp):
    box, _ = smtp
    with session_scope(register) as s:
        for d in s.scalars(select(m.Dispatch)):
            d.confirmed = False
    out = run(register, TODAY, days=40)
    assert not out.sent and not box.messages


def test_dry_run_writes_the_messages_instead(register, smtp, tmp_path):
    box, _ = smtp
    out = run(register, TODAY, days=40, dry_run=tmp_path / "thu")
    assert len(out.written) == 4 and not box.messages
    msg = email.message_from_bytes(out.written[0].read_bytes(), policy=email.policy.default)
    assert msg.get_body(("html",)) is not None


def _through(register, secure_smtp, office_ca, **kw):
    security, _, port = secure_smtp
    return replace(register, **{"smtp_port": port, "smtp_security": security, "smtp_user": "dondoc",
                                 "smtp_password": "mat-khau-thu", "smtp_cafile": str(office_ca / "ca.pem"), **kw})


def test_digests_go_over_tls_with_a_login(register, secure_smtp, office_ca):
    _, box, _ = secure_smtp
    out = run(_through(register, secure_smtp, office_ca), TODAY, days=40)
    assert not out.failed and len(out.sent) == 4
    assert {r for r, _ in box.messages} == {"so.ldtbxh@example.vn", "hong@example.vn", "huyen@example.vn", "lanhdao@example.vn"}
    assert all(s == {"tls": True, "login": "dondoc"} for s in box.sessions)


def test_a_wrong_password_is_reported_and_the_digest_retried(register, secure_smtp, office_ca):
    _, box, _ = secure_smtp
    out = run(_through(register, secure_smtp, office_ca, smtp_password="sai"), TODAY, days=40)
    assert not out.sent and len(out.failed) == 4 and not box.messages
    again = run(_through(register, secure_smtp, office_ca), TODAY, days=40)
    assert len(again.sent) == 4


def test_a_server_certificate_nobody_vouches_for_is_refused(register, secure_smtp, office_ca):
    _, box, _ = secure_smtp
    out = run(_through(register, secure_smtp, office_ca, smtp_cafile=""), TODAY, days=40)
    assert not out.sent and len(out.failed) == 4 and not box.messages
    assert "certificate" in out.failed[0][2].lower()


def test_schedule_spec():
    assert parse_every("mon-fri 07:00") == {"day_of_week": "mon-fri", "hour": 7, "minute": 0}
    with pytest.raises(ValueError):
        parse_every("07:00")


def test_a_weekday_schedule_fires_at_seven_in_vietnam():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dondoc.digest.send import schedule
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    trigger = schedule("mon-fri 07:00", "Asia/Ho_Chi_Minh")
    saturday = datetime(2024, 11, 23, 10, 0, tzinfo=vn)
    assert trigger.get_next_fire_time(None, saturday) == datetime(2024, 11, 25, 7, 0, tzinfo=vn)     # Monday
    monday_early = datetime(2024, 11, 25, 6, 59, tzinfo=vn)
    assert trigger.get_next_fire_time(None, monday_early) == datetime(2024, 11, 25, 7, 0, tzinfo=vn)


@pytest.mark.parametrize("spec, message", [("07:00", "mon-fri 07:00"), ("mon-fri 25:00", "giờ không hợp lệ"),
                                           ("thu-hai 07:00", "ngày trong tuần không hợp lệ")])
def test_a_bad_schedule_is_refused_with_a_message(tmp_path, spec, message):
    from click.testing import CliRunner

    from dondoc.cli import main
    r = CliRunner().invoke(main, ["digest", "--every", spec], env={"DONDOC_DATA_DIR": str(tmp_path)})
    assert r.exit_code == 2 and message in r.output


def test_ics_feed_parses_and_round_trips_all_day_dates(register):
    from icalendar import Calendar
    from dondoc.digest.ics import check, feed, token
    with session_scope(register) as s:
        a = s.scalar(select(m.Agency).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
        links = [(ta.task, ta.role) for ta in s.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id == a.id))]
        expected = sorted({d.due for t, _ in links for d in t.deadlines if d.due})
        cal = Calendar.from_ical(feed(a.name, links, register.base_url, register.timezone))
    events = list(cal.walk("VEVENT"))
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == expected and all(type(x) is date for x in starts)
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in events)
    assert str(cal["x-wr-timezone"]) == "Asia/Ho_Chi_Minh"
    open_ev = next(e for e in events if "đã hoàn thành" not in str(e["summary"]))
    assert open_ev.walk("VALARM")[0].decoded("trigger") == timedelta(days=-3)
    assert "687/LĐTBXH-TTr" in str(open_ev["description"])
    assert check("k", "agency:1", token("k", "agency:1")) and not check("k", "agency:1", "doan-bua")


def test_ics_url_needs_its_token(register):
    from dondoc.web import create_app
    from dondoc.digest.ics import token
    app = create_app(register, {"TESTING": True, "HUEY_IMMEDIATE": True})
    c = app.test_client()
    with session_scope(register) as s:
        aid = s.scalar(select(m.Agency.id).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
    assert c.get(f"/agencies/{aid}/deadlines.ics?token=sai").status_code == 403
    r = c.get(f"/agencies/{aid}/deadlines.ics?token={token(app.config['SECRET_KEY'], f'agency:{aid}')}")
    assert r.status_code == 200 and r.mimetype == "text/calendar" and b"BEGIN:VEVENT" in r.data


def test_a_users_feed_holds_the_agencies_they_follow(register):
    from dondoc.web import create_app
    from dondoc.digest.ics import token
    app = create_app(register, {"TESTING": True, "HUEY_IMMEDIATE": True})
    c = app.test_client()
    with session_scope(register) as s:
        uid = s.scalar(select(m.User.id).where(m.User.username == "lanhdao"))
    assert c.get(f"/users/{uid}/deadlines.ics?token=sai").status_code == 403
    r = c.get(f"/users/{uid}/deadlines.ics?token={token(app.config['SECRET_KEY'], f'user:{uid}')}")
    from icalendar import Calendar
    texts = [str(e["summary"]) + str(e["description"]) for e in Calendar.from_ical(r.data).walk("VEVENT")]
    assert r.status_code == 200 and texts and any("chỉ đạo UBND cấp huyện" in t for t in texts)
