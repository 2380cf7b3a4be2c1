"""Chinese search over the catalog (智能导办): jieba segments, synonyms, pinyin initials.

Indexing: ``index_item`` stores the segments of an item's current name, keywords,
situation questions and agency beside the text (SearchDocument); the database keeps a
full-text index over them (FTS5 on SQLite, tsvector on PostgreSQL).
Querying: the words typed are segmented, expanded with the synonym table, and matched;
a query of Latin letters only is also matched against pinyin initials (yyzz → 营业执照).
"""

import re
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from .models import Item, SearchDocument, Synonym

_LATIN = re.compile(r"^[A-Za-z]{2,20}$")
_NOISE = set("的了和与及或在我要想办个一")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)  # no start-up chatter in logs
    jieba.initialize()
    return jieba


def segments(text: str) -> list[str]:
    words = []
    for word in _jieba().cut_for_search(text or ""):
        word = word.strip().lower()
        if word and word not in _NOISE and not word.isspace() and re.search(r"\w", word):
            words.append(word)
    return words


def initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def index_item(item: Item) -> SearchDocument | None:
    """Rebuild one item's search document from the version in force (or drop it)."""
    from .actions import current_version

    version = current_version(item)
    if version is None or (item.cancelled_on and item.cancelled_on <= timezone.localdate()):
        SearchDocument.objects.filter(item=item).delete()
        return None
    keywords = [k for k in re.split(r"[\s,，、;；]+", version.keywords) if k]
    questions = [q.text for q in version.questions.all()]
    answers = [
        o.text for q in version.questions.prefetch_related("options") for o in q.options.all()
    ]
    text = " ".join([version.name, *keywords, *questions, *answers, item.agency.name])
    tokens = " ".join(dict.fromkeys(segments(text)))
    initial_words = " ".join(dict.fromkeys(initials(w) for w in [version.name, *keywords] if w))
    document, _ = SearchDocument.objects.update_or_create(
        item=item, defaults={"name": version.name, "tokens": tokens, "initials": initial_words}
    )
    return document


def reindex_all() -> int:
    count = 0
    for item in Item.objects.select_related("agency"):
        if index_item(item) is not None:
            count += 1
    return count


@dataclass(frozen=True)
class Hit:
    item_id: int
    name: str
    score: float


def expand(query: str) -> list[str]:
    """Segments of the query plus what the synonym table says they mean."""
    words = segments(query)
    lookups = {query.strip(), *words}
    for synonym in Synonym.objects.filter(term__in=lookups):
        words.extend(segments(synonym.expansion))
    return list(dict.fromkeys(words))


def search(query: str, limit: int = 20) -> list[Hit]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    words = expand(query)
    scores: dict[int, float] = {}
    names: dict[int, str] = {}
    if words:
        for document_id, name, score in _full_text(words, limit * 3):
            scores[document_id] = score
            names[document_id] = name
    if _LATIN.match(query):
        letters = query.lower()
        for document in SearchDocument.objects.filter(
            Q(initials__startswith=letters) | Q(initials__contains=f" {letters}")
        ).only("id", "name")[: limit * 3]:
            scores[document.pk] = scores.get(document.pk, 0.0) + 10.0
            names[document.pk] = document.name
    for document_id, name in names.items():
        if query in name:  # the words typed stand in the name itself
            scores[document_id] += 5.0
    ranked = sorted(scores, key=lambda pk: (-scores[pk], names[pk]))[:limit]
    item_ids = dict(SearchDocument.objects.filter(pk__in=ranked).values_list("pk", "item_id"))
    return [Hit(item_id=item_ids[pk], name=names[pk], score=scores[pk]) for pk in ranked]


def _full_text(words: list[str], limit: int) -> list[tuple[int, str, float]]:
    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.id, d.name, ts_rank(d.search_vector, q) AS score "
            "FROM catalog_searchdocument d, to_tsquery('simple', %s) q "
            "WHERE d.search_vector @@ q ORDER BY score DESC LIMIT %s"
        )
        terms = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        params = [terms, limit]
    elif connection.vendor == "sqlite":
        sql = (
            "SELECT d.id, d.name, -bm25(catalog_search_fts) AS score "
            "FROM catalog_search_fts JOIN catalog_searchdocument d ON d.id = catalog_search_fts.rowid "
            "WHERE catalog_search_fts MATCH %s ORDER BY score DESC LIMIT %s"
        )
        params = [" OR ".join('"' + w.replace('"', '""') + '"' for w in words), limit]
    else:  # any other database: the plain LIKE fallback
        condition = Q()
        for word in words:
            condition |= Q(tokens__contains=word)
        return [(d.pk, d.name, 1.0) for d in SearchDocument.objects.filter(condition)[:limit]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], float(row[2])) for row in cursor.fetchall()]
