"""Articles: a filtered, paged list and the detail of one article (entities and ties with evidence)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import StoreDep, ViewsDep
from api.presenters import entity_summary
from api.schemas import ArticleDetail, ArticleList, ArticleSummary, ArticleTie, EntitySummary
from api.views import bind_query, load_api_query, select_rows, sparql_iri
from kg.rdf.iris import article_iri, graph_iri, key_from_iri

__all__ = ["router"]

router = APIRouter(prefix="/api/articles", tags=["articles"])

KG = "https://w3id.org/kg-innovation/ontology#"


def _date_bound(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            dt.datetime.strptime(text, fmt)
            return text[:size]
        except ValueError:
            continue
    raise HTTPException(status_code=422, detail=f"{name}={value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def _summary(iri: str, row: dict) -> ArticleSummary:
    return ArticleSummary(iri=iri, id=row["id"], title=row.get("title"), date=row.get("date"),
                          source=row.get("source"), url=row.get("url"), path=row.get("path"), ties=row.get("ties", 0))


@router.get("", response_model=ArticleList, summary="List articles (newest first)")
def list_articles(
    views: ViewsDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of the title")] = None,
    start: Annotated[str | None, Query(description="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD)")] = None,
    end: Annotated[str | None, Query(description="Latest date (YYYY, YYYY-MM or YYYY-MM-DD)")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ArticleList:
    """Articles with title, date, source, URL and how many ties were read from each."""
    lo, hi = _date_bound(start, "start"), _date_bound(end, "end")
    rows = []
    for iri, row in views.articles().items():
        date = row.get("date") or ""
        if q and q.casefold() not in (row.get("title") or "").casefold():
            continue
        if lo and (not date or date < lo):
            continue
        if hi and (not date or date[: len(hi)] > hi):
            continue
        rows.append(_summary(iri, row))
    return ArticleList(total=len(rows), offset=offset, limit=limit, results=rows[offset: offset + limit])


@router.get("/{article_id:path}", response_model=ArticleDetail, summary="One article with its entities and ties",
            responses={404: {"description": "No such article"}})
def get_article(views: ViewsDep, store: StoreDep, article_id: str) -> ArticleDetail:
    """Metadata, the entities described in the article's graph and every tie read from it with its sentence."""
    try:
        iri = article_iri(article_id)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}") from None
    row = views.articles().get(iri)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
    snapshot = views.actors()
    entities = []
    for r in select_rows(store, bind_query(load_api_query("article_entities"), graph=sparql_iri(graph_iri(article_id)))):
        node = r["entity"]
        if node in snapshot.graph:
            entities.append(entity_summary(snapshot, node))
        else:
            entities.append(EntitySummary(key=_key(node), iri=node, label=r["label"]))
    ties = []
    for r in select_rows(store, bind_query(load_api_query("article_ties"), article=sparql_iri(iri))):
        ties.append(ArticleTie(
            subject=r["subject"], subject_label=r.get("subjectLabel"),
            relation=r["predicate"][len(KG):] if r["predicate"].startswith(KG) else r["predicate"],
            object=r["object"], object_label=r.get("objectLabel"), status=r.get("status"),
            confidence=float(r["confidence"]) if r.get("confidence") else None, date=r.get("date"),
            sentence=r["sentence"], start=int(r["start"]) if r.get("start") else None,
            end=int(r["end"]) if r.get("end") else None))
    summary = _summary(iri, row)
    return ArticleDetail(**summary.model_dump(), entities=entities, tie_list=ties)


def _key(iri: str) -> str:
    try:
        return key_from_iri(iri, "entity")
    except ValueError:
        return iri
