"""Finding 6 of issue #12: with the index down, search answers in Vietnamese (web), JSON 503
(API) and a clear line (CLI); an overlong query is refused at once."""
from __future__ import annotations

import base64
import time

import pytest
from click.testing import CliRunner

from dondoc import config
from dondoc.cli import main
from dondoc.pipeline import ingest_file
from dondoc.storage.db import session_scope, upgrade
from dondoc.web import create_app
from dondoc.web.auth import create_user

from .conftest import CORPUS, free_port

BASIC = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:matkhau").decode()}


@pytest.fixture
def down(tmp_path, monkeypatch):
    """Settings on Elasticsearch at a loopback port where nothing listens: the index is down."""
    monkeypatch.setenv("DONDOC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DONDOC_SEARCH", "elasticsearch")
    monkeypatch.setenv("DONDOC_ES_URL", f"http://127.0.0.1:{free_port()}")
    s = config.load()
    upgrade(s)
    with session_scope(s) as db:
        create_user(db, "lanhdao", "matkhau", "manager")
    ingest_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", s, confirm=True)   # stored; its index work waits
    return s


def _login(client):
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "lanhdao", "password": "matkhau", "csrf_token": token})


def test_web_search_with_the_index_down_answers_in_vietnamese(down):
    c = create_app(down, {"TESTING": True}).test_client()
    _login(c)
    r = c.get("/search?q=tre+em")
    assert r.status_code == 503
    assert "Chỉ mục tìm kiếm hiện không phản hồi" in r.get_data(as_text=True)


def test_api_search_with_the_index_down_is_a_json_503(down):
    c = create_app(down, {"TESTING": True}).test_client()
    r = c.get("/api/tasks?q=tre+em", headers=BASIC)
    assert r.status_code == 503 and r.is_json and "không phản hồi" in r.get_json()["error"]
    assert c.get("/api/dispatches?q=tre", headers=BASIC).status_code == 503


def test_cli_search_with_the_index_down_prints_one_clear_line(down):
    r = CliRunner().invoke(main, ["search", "tre em"])
    assert r.exit_code == 3
    assert "Chỉ mục tìm kiếm hiện không phản hồi" in r.output and "Traceback" not in r.output


def test_a_ten_thousand_character_query_is_refused_at_once(settings):
    """Finding 6: a 10,500-character query took 7.5-18 s."""
    from dondoc.search.base import Query, QueryTooLong
    from dondoc.search.service import search_tasks
    t = time.perf_counter()
    with pytest.raises(QueryTooLong):
        search_tasks(settings, Query(text="trẻ em " * 1500))
    with pytest.raises(QueryTooLong, match="quá nhiều từ"):
        search_tasks(settings, Query(text=" ".join(f"t{i}" for i in range(40))))
    assert time.perf_counter() - t < 1


def test_an_overlong_query_gets_a_message_on_every_entry_point(settings):
    long = "a " * 200
    r = CliRunner().invoke(main, ["search", long])
    assert r.exit_code == 2 and "quá dài" in r.output
    app = create_app(settings, {"TESTING": True})
    with session_scope(settings) as db:
        create_user(db, "lanhdao", "matkhau", "manager")
    c = app.test_client()
    r = c.get("/api/tasks", query_string={"q": long}, headers=BASIC)
    assert r.status_code == 400 and "quá dài" in r.get_json()["error"]
    _login(c)
    r = c.get("/search", query_string={"q": long})
    assert r.status_code == 400 and "quá dài" in r.get_data(as_text=True)
