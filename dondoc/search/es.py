"""The Elasticsearch backend: same contract as the SQLite one, for deployments that outgrow a
machine. Vietnamese is folded in Python and indexed beside the written text (the stripped-down
server and a full cluster then behave alike; neither needs asciifolding). Indices sit behind
aliases, so `rebuild` fills a new index and swaps the alias with no downtime."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError, helpers

from ..config import Settings
from ..domain import OPEN_STATUSES, ReportClass, Status
from .base import DispatchDoc, Hit, Overview, Query, Results, raw_terms, snippet, terms

TASK_MAPPING = {
    "properties": {
        "id": {"type": "long"}, "dispatch_id": {"type": "long"},
        "text": {"type": "text"}, "folded": {"type": "text"},
        "lead": {"type": "keyword"}, "support": {"type": "keyword"}, "agencies": {"type": "keyword"},
        "status": {"type": "keyword"}, "deadlines": {"type": "date"}, "next_due": {"type": "date"},
        "number": {"type": "keyword"}, "issuer": {"type": "keyword"}, "issued": {"type": "date"},
        "subject": {"type": "text", "index": False},
        "done_late": {"type": "boolean"},
    }
}
DISPATCH_MAPPING = {
    "properties": {
        "id": {"type": "long"}, "number": {"type": "keyword"}, "issuer": {"type": "keyword"},
        "issued": {"type": "date"}, "kind": {"type": "keyword"},
        "subject": {"type": "text"}, "text": {"type": "text"}, "folded": {"type": "text"},
        "subject_folded": {"type": "text"}, "agencies": {"type": "keyword"},
    }
}
# bulk writes a busy cluster refuses (429) are sent again after 0.5, 1, 2 … 8 s
BULK_RETRIES, BULK_BACKOFF, BULK_MAX_BACKOFF = 5, 0.5, 8
# a write is searchable when it returns: the shards it touched are refreshed at once, rather than
# waiting ("wait_for") for the next scheduled refresh (up to refresh_interval, 1 s), which was half
# the time of ingesting a typed dispatch on PostgreSQL + Elasticsearch (benchmarks/scale.py)
WRITE_REFRESH = True


def hosts(url: str) -> list[str]:
    """`http://a:9200,http://b:9200`: every node the client may talk to (it moves to the next
    one when a node stops answering)."""
    return [u.strip() for u in url.split(",") if u.strip()]


def first_index(alias: str) -> str:
    """The name every process gives the first index behind `alias` (a rebuild's are dated)."""
    return f"{alias}-first"


class EsBackend:
    name = "elasticsearch"

    def __init__(self, settings: Settings, timeout: float = 10.0):
        self.settings = settings
        # a request to a node that went away is retried on another one
        self.es = Elasticsearch(hosts(settings.es_url), request_timeout=timeout, retry_on_timeout=True, max_retries=3,
                                retry_on_status=(502, 503, 504))
        self.tasks_alias = f"{settings.es_index}-tasks"
        self.disp_alias = f"{settings.es_index}-dispatches"
        self._ensured = False

    def index_settings(self) -> dict[str, object]:
        """Shards and replicas from the configuration (DONDOC_ES_SHARDS, DONDOC_ES_REPLICAS)."""
        return {"number_of_shards": self.settings.es_shards, "number_of_replicas": self.settings.es_replicas,
                "refresh_interval": "1s"}

    def put_templates(self) -> None:
        """One index template per alias: every index made for it (a rebuild's new one too) gets
        the same mapping, shards and replicas, whoever creates it."""
        for alias, mapping in ((self.tasks_alias, TASK_MAPPING), (self.disp_alias, DISPATCH_MAPPING)):
            self.es.indices.put_index_template(name=alias, index_patterns=[f"{alias}-*"], priority=100,
                                               template={"settings": self.index_settings(), "mappings": mapping})

    # -- writing ---------------------------------------------------------------------------
    def ping(self) -> bool:
        try:
            # one try per node: a node that went away must not make the cluster look down
            self.es.options(request_timeout=2, max_retries=len(hosts(self.settings.es_url)) - 1).cluster.health(timeout="1s")
            return True
        except Exception:
            return False

    def _create(self, name: str, aliases: dict | None = None) -> None:
        """Create index `name` (the template gives its mapping and settings); one that already
        exists is success: made by a try of ours that timed out, or by another process."""
        try:
            # a busy cluster may take longer than a search to create shards and their replicas
            self.es.options(request_timeout=60).indices.create(index=name, aliases=aliases)
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise

    def _new_index(self, alias: str) -> str:
        """A rebuild's new index, under `alias-<time>`, not yet behind the alias."""
        name = f"{alias}-{datetime.now(timezone.utc).strftime('%Y%m%d%H%M%S%f')}"
        self._create(name)
        return name

    def ensure(self) -> None:
        """The templates, and an index behind each alias. Several processes may find no alias at
        the same moment (two ingest workers of a new register): each creates the same fixed name
        with the alias in the same request, so the cluster makes one index and the alias with it
        at once, and the others are told it exists."""
        if self._ensured:
            return
        self.put_templates()
        for alias in (self.tasks_alias, self.disp_alias):
            if not self.es.indices.exists_alias(name=alias):
                first = first_index(alias)
                self._create(first, aliases={alias: {}})
                if not self.es.indices.exists_alias(name=alias):     # the first index left without its alias
                    self.es.indices.put_alias(index=first, name=alias)
        self._ensured = True

    @staticmethod
    def _task_source(t: dict) -> dict:
        return {**{k: t[k] for k in ("id", "dispatch_id", "text", "folded", "lead", "support", "status",
                                      "deadlines", "next_due", "number", "issuer", "issued", "subject",
                                      "done_late")},
                "agencies": sorted(set(t["lead"]) | set(t["support"]))}

    @staticmethod
    def _dispatch_source(d: dict) -> dict:
        return {**{k: d[k] for k in ("id", "number", "issuer", "issued", "kind", "subject", "text", "folded", "subject_folded")},
                "agencies": sorted({n for t in d["tasks"] for n in t["lead"] + t["support"]})}

    def _actions(self, docs: Iterable[dict], tasks_index: str, disp_index: str):
        for d in docs:
            yield {"_index": disp_index, "_id": d["id"], "_source": self._dispatch_source(d)}
            for t in d["tasks"]:
                yield {"_index": tasks_index, "_id": t["id"], "_source": self._task_source(t)}

    def _task_ids_of(self, dispatch_ids: Sequence[int]) -> list[str]:
        res = self.es.search(index=self.tasks_alias, query={"terms": {"dispatch_id": list(dispatch_ids)}}, size=10000, source=False)
        return [h["_id"] for h in res["hits"]["hits"]]

    def upsert(self, dispatches: Sequence[DispatchDoc]) -> None:
        self.ensure()
        keep = {str(t["id"]) for d in dispatches for t in d["tasks"]}
        stale = [i for i in self._task_ids_of([d["id"] for d in dispatches]) if i not in keep]
        actions = list(self._actions(dispatches, self.tasks_alias, self.disp_alias))
        actions += [{"_op_type": "delete", "_index": self.tasks_alias, "_id": i} for i in stale]
        helpers.bulk(self.es, actions, refresh=WRITE_REFRESH, max_retries=BULK_RETRIES, initial_backoff=BULK_BACKOFF,
                     max_backoff=BULK_MAX_BACKOFF, raise_on_error=True)

    def delete(self, dispatch_ids: Sequence[int]) -> None:
        self.ensure()
        actions: list[dict] = [{"_op_type": "delete", "_index": self.tasks_alias, "_id": i} for i in self._task_ids_of(dispatch_ids)]
        actions += [{"_op_type": "delete", "_index": self.disp_alias, "_id": i} for i in dispatch_ids]
        helpers.bulk(self.es, actions, refresh=WRITE_REFRESH, max_retries=BULK_RETRIES, initial_backoff=BULK_BACKOFF,
                     max_backoff=BULK_MAX_BACKOFF, raise_on_error=False)

    def indexed(self) -> dict[int, set[int]]:
        """What the index holds: dispatch id -> its task ids (for `dondoc check`)."""
        self.ensure()
        self.es.indices.refresh(index=[self.tasks_alias, self.disp_alias])
        out: dict[int, set[int]] = {int(h["_id"]): set() for h in
                                    helpers.scan(self.es, index=self.disp_alias, query={"query": {"match_all": {}}}, _source=False)}
        for h in helpers.scan(self.es, index=self.tasks_alias, query={"query": {"match_all": {}}}, _source=["dispatch_id"]):
            out.setdefault(int(h["_source"]["dispatch_id"]), set()).add(int(h["_id"]))
        return out

    def rebuild(self, dispatches: Iterable[DispatchDoc]) -> int:
        """Fill new indices, then move both aliases in one request and drop the old indices."""
        self.put_templates()
        new_tasks = self._new_index(self.tasks_alias)
        new_disp = self._new_index(self.disp_alias)
        count = 0

        def counted():
            nonlocal count
            for d in dispatches:
                count += 1
                yield d
        for _ in helpers.streaming_bulk(self.es.options(request_timeout=120), self._actions(counted(), new_tasks, new_disp),
                                        chunk_size=2000, max_retries=BULK_RETRIES, initial_backoff=BULK_BACKOFF,
                                        max_backoff=BULK_MAX_BACKOFF):
            pass
        self.es.indices.refresh(index=[new_tasks, new_disp])
        old = []
        for alias in (self.tasks_alias, self.disp_alias):
            try:
                old += list(self.es.indices.get_alias(name=alias).keys())
            except NotFoundError:
                pass
        acts = [{"remove": {"index": i, "alias": a}} for a in (self.tasks_alias, self.disp_alias) for i in old if i.startswith(a + "-")]
        acts += [{"add": {"index": new_tasks, "alias": self.tasks_alias}}, {"add": {"index": new_disp, "alias": self.disp_alias}}]
        self.es.indices.update_aliases(actions=acts)
        for i in old:
            self.es.indices.delete(index=i)
        self._ensured = True
        return count

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _text_clause(text: str, written: str, folded: str) -> dict | None:
        words = terms(text)
        if not words:
            return None
        return {"bool": {"should": [
            {"match": {folded: {"query": " ".join(words), "operator": "and"}}},
            {"match": {written: {"query": " ".join(raw_terms(text)), "operator": "and", "boost": 2.0}}},
        ], "minimum_should_match": 1}}

    @staticmethod
    def _name_clause(field: str, names: Sequence[str]) -> dict:
        return {"bool": {"should": [c for n in names for c in ({"term": {field: n}}, {"prefix": {field: n + " "}})],
                         "minimum_should_match": 1}}

    def search_tasks(self, q: Query, agency_names: Sequence[str] | None = None) -> Results:
        self.ensure()
        must: list[dict] = []
        filt: list[dict] = []
        tc = self._text_clause(q.text, "text", "folded")
        if tc:
            must.append(tc)
        if agency_names:
            filt.append(self._name_clause("agencies", agency_names))
        if q.within is not None:
            filt.append({"terms": {"agencies": list(q.within)}})
        if q.issuer:
            filt.append(self._name_clause("issuer", [q.issuer]))
        if q.status:
            filt.append({"term": {"status": q.status}})
        due = {k: v.isoformat() for k, v in (("gte", q.due_from), ("lte", q.due_to)) if v}
        if due:
            filt.append({"range": {"next_due": due}})
        iss = {k: v.isoformat() for k, v in (("gte", q.issued_from), ("lte", q.issued_to)) if v}
        if iss:
            filt.append({"range": {"issued": iss}})
        if q.overdue:
            filt.append({"range": {"next_due": {"lt": q.today.isoformat()}}})
            filt.append({"terms": {"status": [str(x) for x in OPEN_STATUSES]}})   # domain.is_overdue
        query = {"bool": {"must": must or [{"match_all": {}}], "filter": filt}}
        sorts: dict[str, list[dict]] = {
            "deadline": [{"next_due": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
            "issued": [{"issued": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
        }
        sort = sorts.get(q.sort, [{"_score": "desc"}, {"next_due": {"order": "asc", "missing": "_last"}}, {"id": "asc"}])
        res = self.es.search(index=self.tasks_alias, query=query, sort=sort, from_=(q.page - 1) * q.per_page,
                             size=q.per_page, track_total_hits=True, aggs={
                                 "agency": {"terms": {"field": "agencies", "size": 20, "order": [{"_count": "desc"}, {"_key": "asc"}]}},
                                 "status": {"terms": {"field": "status", "size": 10, "order": [{"_count": "desc"}, {"_key": "asc"}]}},
                                 "issuer": {"terms": {"field": "issuer", "size": 20, "order": [{"_count": "desc"}, {"_key": "asc"}]}}})
        hits = []
        for h in res["hits"]["hits"]:
            s = h["_source"]
            hits.append(Hit(int(h["_id"]), "task", float(h.get("_score") or 0), snippet(s["text"], q.text), {
                k: s.get(k) for k in ("dispatch_id", "text", "status", "next_due", "deadlines", "lead", "support",
                                      "number", "issuer", "issued", "subject")}))
        facets = {k: [(b["key"], b["doc_count"]) for b in res["aggregations"][k]["buckets"]] for k in ("agency", "status", "issuer")}
        return Results(res["hits"]["total"]["value"], hits, facets)

    def search_dispatches(self, q: Query) -> Results:
        self.ensure()
        must, filt = [], []
        words = terms(q.text)
        if words:
            must.append({"bool": {"should": [
                {"multi_match": {"query": " ".join(words), "fields": ["folded", "subject_folded"], "operator": "and", "type": "cross_fields"}},
                {"multi_match": {"query": " ".join(raw_terms(q.text)), "fields": ["text", "subject"], "operator": "and", "type": "cross_fields", "boost": 2.0}},
            ], "minimum_should_match": 1}})
        if q.issuer:
            filt.append(self._name_clause("issuer", [q.issuer]))
        if q.within is not None:
            filt.append({"terms": {"agencies": list(q.within)}})
        iss = {k: v.isoformat() for k, v in (("gte", q.issued_from), ("lte", q.issued_to)) if v}
        if iss:
            filt.append({"range": {"issued": iss}})
        sort: list[dict] = [{"issued": {"order": "desc", "missing": "_last"}}, {"id": "asc"}] if q.sort in ("issued", "deadline") \
            else [{"_score": "desc"}, {"issued": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
        res = self.es.search(index=self.disp_alias, query={"bool": {"must": must or [{"match_all": {}}], "filter": filt}},
                             sort=sort, from_=(q.page - 1) * q.per_page, size=q.per_page, track_total_hits=True,
                             aggs={"issuer": {"terms": {"field": "issuer", "size": 20, "order": [{"_count": "desc"}, {"_key": "asc"}]}}})
        hits = []
        for h in res["hits"]["hits"]:
            s = h["_source"]
            body = f"{s['subject']} — {s['text']}" if s.get("subject") else s["text"]
            hits.append(Hit(int(h["_id"]), "dispatch", float(h.get("_score") or 0), snippet(body, q.text),
                            {k: s.get(k) for k in ("number", "issuer", "issued", "kind", "subject")}))
        return Results(res["hits"]["total"]["value"], hits,
                       {"issuer": [(b["key"], b["doc_count"]) for b in res["aggregations"]["issuer"]["buckets"]]})

    # -- the dashboard -----------------------------------------------------------------------
    def overview(self, today: date, weeks: int = 8, within: Sequence[str] | None = None, top: int = 10) -> Overview:
        """One request: filters for domain.report_class's branches, a range per week ahead and the
        lead agencies of the overdue tasks."""
        self.ensure()
        scope: list[dict] = []        # the task index holds only tasks under tracking (confirmed dispatches)
        if within is not None:
            scope.append({"terms": {"agencies": list(within)}})
        has_due = {"exists": {"field": "next_due"}}
        done = {"term": {"status": Status.DONE.value}}
        suspended = {"term": {"status": Status.SUSPENDED.value}}
        open_ = {"bool": {"must_not": [done, suspended]}}
        day = today.isoformat()
        branches = {
            ReportClass.SUSPENDED.value: suspended,
            ReportClass.NO_DEADLINE.value: {"bool": {"must_not": [suspended, has_due]}},
            ReportClass.ON_TIME.value: {"bool": {"filter": [done, has_due], "must_not": [{"term": {"done_late": True}}]}},
            ReportClass.DONE_LATE.value: {"bool": {"filter": [done, has_due, {"term": {"done_late": True}}]}},
            ReportClass.OVERDUE.value: {"bool": {"filter": [open_, {"range": {"next_due": {"lt": day}}}]}},
            ReportClass.IN_TIME.value: {"bool": {"filter": [open_, {"range": {"next_due": {"gte": day}}}]}},
        }
        ranges = [{"key": str(w), "from": (today + timedelta(days=7 * w)).isoformat(),
                   "to": (today + timedelta(days=7 * w + 7)).isoformat()} for w in range(weeks)]
        res = self.es.search(index=self.tasks_alias, size=0, query={"bool": {"filter": scope}}, aggs={
            "classes": {"filters": {"filters": branches}},
            "weeks": {"filter": branches[ReportClass.IN_TIME.value], "aggs": {"w": {"range": {"field": "next_due", "ranges": ranges}}}},
            "overdue": {"filter": branches[ReportClass.OVERDUE.value], "aggs": {"lead": {"terms": {
                "field": "lead", "size": top, "order": [{"_count": "desc"}, {"_key": "asc"}]}}}},
        })
        aggs = res["aggregations"]
        counts = {k: b["doc_count"] for k, b in aggs["classes"]["buckets"].items() if b["doc_count"]}
        per_week = {b["key"]: b["doc_count"] for b in aggs["weeks"]["w"]["buckets"]}
        return Overview(counts, [per_week.get(str(w), 0) for w in range(weeks)],
                        [(b["key"], b["doc_count"]) for b in aggs["overdue"]["lead"]["buckets"]])
