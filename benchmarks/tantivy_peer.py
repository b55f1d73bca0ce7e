"""Tantivy (the engine Paperless-ngx embeds), answering the benchmark's three queries over the same
tasks as the embedded index, as its peer: the same words (folded and as written), agencies,
status and dates, the same facets (agency, status, issuer) and a page of 20 read from the
register, as the embedded backend does. It indexes the dispatches' words too, as the embedded
index does for the contract's dispatch search, so the two sizes are of the same job. Used by
benchmarks/scale.py only.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import tantivy

from dondoc.domain import OPEN_STATUSES
from dondoc.search.base import raw_terms, terms

NO_DATE = 2**31 - 1
AGGS = {"agency": {"terms": {"field": "agencies", "size": 20}}, "status": {"terms": {"field": "status", "size": 10}},
        "issuer": {"terms": {"field": "issuer", "size": 20}}}


def _day(iso: str | None) -> int:
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days if iso else NO_DATE


class TantivyPeer:
    def __init__(self, path: Path):
        self.path = Path(path)
        sb = tantivy.SchemaBuilder()
        sb.add_integer_field("id", stored=True, indexed=True, fast=True)
        sb.add_integer_field("dispatch_id", indexed=True, fast=True)
        sb.add_text_field("folded", stored=False, tokenizer_name="default", index_option="freq")
        sb.add_text_field("text", stored=False, tokenizer_name="default", index_option="freq")
        sb.add_text_field("agencies", stored=False, tokenizer_name="raw", fast=True)
        sb.add_text_field("status", stored=False, tokenizer_name="raw", fast=True)
        sb.add_text_field("issuer", stored=False, tokenizer_name="raw", fast=True)
        sb.add_integer_field("due", indexed=True, fast=True)
        sb.add_integer_field("issued", indexed=True, fast=True)
        self.schema = sb.build()
        db = tantivy.SchemaBuilder()
        db.add_integer_field("id", stored=True, indexed=True, fast=True)
        db.add_text_field("folded", stored=False, tokenizer_name="default", index_option="basic")
        db.add_text_field("text", stored=False, tokenizer_name="default", index_option="basic")
        db.add_text_field("issuer", stored=False, tokenizer_name="raw", fast=True)
        db.add_integer_field("issued", indexed=True, fast=True)
        self.dispatch_schema = db.build()
        self.index: tantivy.Index | None = None

    def build(self, dispatches) -> int:
        shutil.rmtree(self.path, ignore_errors=True)
        (self.path / "dispatches").mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(self.path))
        w = self.index.writer(heap_size=256_000_000, num_threads=2)
        dindex = tantivy.Index(self.dispatch_schema, path=str(self.path / "dispatches"))
        dw = dindex.writer(heap_size=128_000_000, num_threads=1)
        n = 0
        for d in dispatches:
            dw.add_document(tantivy.Document(
                id=d["id"], folded=" ".join(terms(d["subject_folded"]) + terms(d["folded"])),
                text=" ".join(raw_terms(d["subject"]) + raw_terms(d["text"])), issuer=d["issuer"] or "", issued=_day(d["issued"])))
            for t in d["tasks"]:
                w.add_document(tantivy.Document(
                    id=t["id"], dispatch_id=t["dispatch_id"], folded=" ".join(terms(t["folded"])),
                    text=" ".join(raw_terms(t["text"])), agencies=t["lead"] + t["support"], status=str(t["status"]),
                    issuer=t["issuer"] or "", due=_day(t["next_due"]), issued=_day(t["issued"])))
                n += 1
        w.commit()
        w.wait_merging_threads()
        dw.commit()
        dw.wait_merging_threads()
        self.index.reload()
        return n

    def open(self) -> None:
        self.index = tantivy.Index.open(str(self.path))

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def _all(self, field: str, words: list[str]):
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(self.schema, field, w)) for w in words])

    def search(self, text: str = "", agency: str | list[str] | None = None, overdue_on: date | None = None,
               per_page: int = 20):
        """(total, ids of the first page, facets); `agency`: a name, or any of several names."""
        must = []
        should = []
        if text:
            must.append(self._all("folded", terms(text)))
            # written as asked ranks first, as in the embedded index
            should.append(tantivy.Query.boost_query(self._all("text", raw_terms(text)), 10.0))
        if isinstance(agency, list):
            must.append(tantivy.Query.term_set_query(self.schema, "agencies", agency))
        elif agency:
            must.append(tantivy.Query.term_query(self.schema, "agencies", agency))
        order = None
        if overdue_on:
            must.append(tantivy.Query.term_set_query(self.schema, "status", [str(s) for s in OPEN_STATUSES]))
            must.append(tantivy.Query.range_query(self.schema, "due", tantivy.FieldType.Integer, 0, _day(overdue_on.isoformat()) - 1))
            order = "due"
        clauses = [(tantivy.Occur.Must, q) for q in must] + [(tantivy.Occur.Should, q) for q in should]
        query = tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()
        s = self.index.searcher()
        if order:
            res = s.search(query, per_page, count=True, order_by_field=order, order=tantivy.Order.Asc)
        else:
            res = s.search(query, per_page, count=True)
        ids = [s.doc(addr)["id"][0] for _, addr in res.hits]
        aggs = s.aggregate(query, AGGS)
        facets = {k: [(b["key"], b["doc_count"]) for b in aggs[k]["buckets"]] for k in AGGS}
        return res.count, ids, facets
