"""Two writers meet an Elasticsearch cluster where the index behind the alias does not exist yet
(two ingest workers of a new province, or two web processes): they must end up writing into one
index, not each into its own behind the same alias."""
from __future__ import annotations

import multiprocessing
import os
import uuid

from dondoc import config

from .conftest import require

ROUNDS = 3        # one round already fails without the fix; three make a lucky ordering unlikely


def _settings(prefix: str, data_dir: str):
    url = os.environ.get("DONDOC_TEST_ES_URLS") or os.environ.get("DONDOC_TEST_ES_URL")
    return config.load(data_dir=data_dir, search_backend="elasticsearch", es_url=url, es_index=prefix,
                       es_shards=2, es_replicas=0)


def _dispatch(n: int) -> dict:
    text = f"Sở Tư pháp rà soát văn bản số {n} của người viết thứ {n}"
    task = {"id": n * 10, "dispatch_id": n, "text": text, "folded": text, "lead": ["Sở Tư pháp"], "support": [],
            "status": "chưa thực hiện", "deadlines": [], "next_due": None, "number": f"{n}/UBND", "issuer": "UBND tỉnh",
            "issued": None, "subject": "", "done_late": False}
    return {"id": n, "number": f"{n}/UBND", "issuer": "UBND tỉnh", "issued": None, "kind": "Công văn", "subject": "",
            "text": text, "folded": text, "subject_folded": "", "tasks": [task]}


def _writer(prefix: str, data_dir: str, n: int, start) -> None:
    """One OS process: its own client, then, at the same moment as the other, its first write."""
    from dondoc.search.es import EsBackend
    b = EsBackend(_settings(prefix, data_dir))
    b.es.cluster.health()             # connected before the start, so both reach `ensure` together
    start.wait(timeout=60)
    b.upsert([_dispatch(n)])


def test_two_processes_writing_into_a_fresh_alias_share_one_index(tmp_path):
    require(bool(os.environ.get("DONDOC_TEST_ES_URL")), "Elasticsearch (DONDOC_TEST_ES_URL, started by scripts/es.sh)")
    from dondoc.search.base import Query
    from dondoc.search.es import EsBackend, first_index
    ctx = multiprocessing.get_context("spawn")
    for _ in range(ROUNDS):
        prefix = f"w{uuid.uuid4().hex[:8]}"
        start = ctx.Barrier(2)
        procs = [ctx.Process(target=_writer, args=(prefix, str(tmp_path), n, start)) for n in (1, 2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        b = EsBackend(_settings(prefix, str(tmp_path)))
        try:
            assert [p.exitcode for p in procs] == [0, 0]
            for alias in (b.tasks_alias, b.disp_alias):
                behind = list(b.es.indices.get_alias(name=alias))
                assert behind == [first_index(alias)]
                # made from the index template: the configured shards
                assert b.es.indices.get_settings(index=behind[0])[behind[0]]["settings"]["index"]["number_of_shards"] == "2"
            assert {h.id for h in b.search_tasks(Query(text="rà soát văn bản")).hits} == {10, 20}
            # a rebuild still moves each alias to its one new index
            b.rebuild([_dispatch(1), _dispatch(2), _dispatch(3)])
            for alias in (b.tasks_alias, b.disp_alias):
                assert list(b.es.indices.get_alias(name=alias)) != [first_index(alias)]
                assert len(b.es.indices.get_alias(name=alias)) == 1
            assert {h.id for h in b.search_tasks(Query(text="rà soát văn bản")).hits} == {10, 20, 30}
        finally:
            made = list(b.es.indices.get(index=f"{prefix}-*"))     # a wildcard delete is refused by default
            if made:
                b.es.indices.delete(index=",".join(made))
            for alias in (b.tasks_alias, b.disp_alias):
                b.es.indices.delete_index_template(name=alias)
