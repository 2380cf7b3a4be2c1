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

from .models import Bundle, Item, SearchDocument, Synonym

_LATIN = re.compile(r"^[A-Za-z]{2,20}$")
_NOISE = set("的了和与及或在我要想办个一")
# How people start a need ("我想开饭店"); stripped so "想开" does not become a search word.
_LEAD_IN = re.compile(r"^(请问|我想要|我想|我要|想要|想|要|怎么|如何|怎样|在哪里?|哪里)+")


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
    name_tokens = " ".join(dict.fromkeys(segments(version.name)))
    text = " ".join([*keywords, *questions, *answers, item.agency.name])
    tokens = " ".join(dict.fromkeys(segments(text)))
    # A leading space lets one LIKE '% yyzz%' find a word's start anywhere.
    initial_words = " " + " ".join(
        dict.fromkeys(initials(w) for w in [version.name, *keywords] if w)
    )
    document, _ = SearchDocument.objects.update_or_create(
        item=item,
        defaults={
            "name": version.name,
            "name_tokens": name_tokens,
            "tokens": tokens,
            "initials": initial_words,
        },
    )
    return document


def index_bundle(bundle: Bundle) -> SearchDocument | None:
    if not bundle.is_active:
        SearchDocument.objects.filter(bundle=bundle).delete()
        return None
    keywords = [k for k in re.split(r"[\s,，、;；]+", bundle.keywords) if k]
    item_names = [
        version.name
        for entry in bundle.entries.select_related("item")
        if (version := _current(entry.item)) is not None
    ]
    tokens = " ".join(
        dict.fromkeys(segments(" ".join([*keywords, bundle.description, *item_names])))
    )
    document, _ = SearchDocument.objects.update_or_create(
        bundle=bundle,
        defaults={
            "name": bundle.name,
            "name_tokens": " ".join(dict.fromkeys(segments(bundle.name))),
            "tokens": tokens,
            "initials": " "
            + " ".join(dict.fromkeys(initials(w) for w in [bundle.name, *keywords])),
        },
    )
    return document


def _current(item: Item):
    from .actions import current_version

    return current_version(item)


def reindex_all() -> int:
    count = 0
    for item in Item.objects.select_related("agency"):
        if index_item(item) is not None:
            count += 1
    for bundle in Bundle.objects.all():
        if index_bundle(bundle) is not None:
            count += 1
    return count


@dataclass(frozen=True)
class Hit:
    item_id: int | None
    bundle_id: int | None
    name: str
    score: float

    @property
    def kind(self) -> str:
        return "bundle" if self.bundle_id else "item"


def word_groups(query: str) -> list[list[str]]:
    """Alternatives to match, each a list of words that must all be present: the query's
    own segments, then each synonym whose term stands in the query (开饭店 → 餐饮)."""
    own = segments(_LEAD_IN.sub("", query.strip()) or query)
    longer = [w for w in own if len(w) > 1]
    groups = [longer or own]
    for term, expansion in Synonym.objects.values_list("term", "expansion"):
        if term in query:
            groups.extend(segments(part) for part in expansion.split() if part)
    return [group for group in groups if group]


def expand(query: str) -> list[str]:
    """Every word of every alternative (for the broad fallback and for display)."""
    return list(dict.fromkeys(w for group in word_groups(query) for w in group))


def search(query: str, limit: int = 20) -> list[Hit]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    groups = word_groups(query)
    found: dict[int, float] = {}
    if groups:
        # Every word of an alternative first; all words of all alternatives if that finds nothing.
        found = dict(_full_text(groups, limit * 3))
        if not found:
            found = dict(_full_text([[w] for group in groups for w in group], limit * 3))
    if _LATIN.match(query):
        letters = query.lower()
        for pk in SearchDocument.objects.filter(initials__contains=f" {letters}").values_list(
            "pk", flat=True
        )[: limit * 3]:
            found[pk] = found.get(pk, 0.0) + 10.0
    rows = list(
        SearchDocument.objects.filter(pk__in=found).values_list(
            "pk", "name", "item_id", "bundle_id", "name_tokens", "tokens"
        )
    )
    names = {row[0]: row[1] for row in rows}
    owners = {row[0]: (row[2], row[3]) for row in rows}
    own_words = set(groups[0]) if groups else set()
    for pk, name, _item, bundle_id, name_tokens, tokens in rows:
        if query in name:  # the words typed stand in the name itself
            found[pk] += 5.0
        if own_words and own_words <= set(f"{name_tokens} {tokens}".split()):
            found[pk] += 3.0  # the person's own words, not only what a synonym made of them
        if bundle_id:  # a bundle answers a plain-words need better than one item of it
            found[pk] += 1.0
    ranked = sorted(names, key=lambda pk: (-found[pk], names[pk]))[:limit]
    return [Hit(*owners[pk], name=names[pk], score=found[pk]) for pk in ranked]


def _full_text(groups: list[list[str]], limit: int) -> list[tuple[int, float]]:
    """(document id, score) of matches of any group (every word of a group present).

    Matches in the name come first, ranked; matches elsewhere fill up the rest unranked,
    so a word that thousands of items carry as a keyword costs no ranking of them all.
    """
    if connection.vendor == "postgresql":

        def lexeme(word: str) -> str:
            return "'" + word.replace("\\", "").replace("'", "''") + "'"

        expression = " | ".join("(" + " & ".join(map(lexeme, g)) + ")" for g in groups)
        in_name = (
            "SELECT d.id, 1 + ts_rank(d.name_vector, q) FROM catalog_searchdocument d, "
            "to_tsquery('simple', %s) q WHERE d.name_vector @@ q "
            "ORDER BY 2 DESC LIMIT %s"
        )
        anywhere = (
            "SELECT d.id, 0.5 FROM catalog_searchdocument d, to_tsquery('simple', %s) q "
            "WHERE d.search_vector @@ q LIMIT %s"
        )
        name_expression = any_expression = expression
    elif connection.vendor == "sqlite":

        def phrase(word: str) -> str:
            return '"' + word.replace('"', '""') + '"'

        any_expression = " OR ".join("(" + " AND ".join(map(phrase, g)) + ")" for g in groups)
        name_expression = "{name_tokens} : (" + any_expression + ")"
        # FTS5's own rank column with LIMIT keeps the ordering inside the index.
        in_name = (
            "SELECT rowid, 1 - rank FROM catalog_search_fts WHERE catalog_search_fts MATCH %s "
            "ORDER BY rank LIMIT %s"
        )
        anywhere = (
            "SELECT rowid, 0.5 FROM catalog_search_fts WHERE catalog_search_fts MATCH %s LIMIT %s"
        )
    else:  # any other database: the plain LIKE fallback
        condition = Q()
        for group in groups:
            every = Q()
            for word in group:
                every &= Q(tokens__contains=word) | Q(name_tokens__contains=word)
            condition |= every
        return [
            (pk, 1.0)
            for pk in SearchDocument.objects.filter(condition).values_list("pk", flat=True)[:limit]
        ]
    with connection.cursor() as cursor:
        cursor.execute(in_name, [name_expression, limit])
        found = {row[0]: float(row[1]) for row in cursor.fetchall()}
        if len(found) < limit:
            cursor.execute(anywhere, [any_expression, limit * 2])
            for pk, score in cursor.fetchall():
                found.setdefault(pk, float(score))
    return list(found.items())[: limit * 2]
