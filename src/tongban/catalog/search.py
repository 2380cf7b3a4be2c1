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
from django.db.models.signals import post_delete, post_save
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


def word_groups(query: str, synonyms: list[tuple[str, str]] | None = None) -> list[list[str]]:
    """Alternatives to match, each a list of words that must all be present: the query's
    own segments, then each synonym whose term stands in the query (开饭店 → 餐饮).
    ``synonyms``: (term, expansion) pairs already read; else the table is read."""
    own = segments(_LEAD_IN.sub("", query.strip()) or query)
    longer = [w for w in own if len(w) > 1]
    groups = [longer or own]
    if synonyms is None:
        synonyms = list(Synonym.objects.values_list("term", "expansion"))
    for term, expansion in synonyms:
        if term in query:
            groups.extend(segments(part) for part in expansion.split() if part)
    return [group for group in groups if group]


def expand(query: str) -> list[str]:
    """Every word of every alternative (for the broad fallback and for display)."""
    return list(dict.fromkeys(w for group in word_groups(query) for w in group))


def search(query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
    """The best ``limit`` hits after the first ``offset`` (``search(q, limit=n + k)[n:]``)."""
    query = (query or "").strip()[:100]
    if not query or limit <= 0:
        return []
    offset = max(offset, 0)
    pool = (offset + limit) * 3  # candidates read, so that ranking has some to choose from
    letters = query.lower() if _LATIN.match(query) else None
    if connection.vendor == "postgresql":
        groups, found, rows = _postgres(query, letters, pool)
    else:
        groups = word_groups(query)
        found: dict[int, float] = {}
        if groups:
            # Every word of an alternative first; all words of all alternatives if that
            # finds nothing.
            found = dict(_full_text(groups, pool))
            if not found:
                found = dict(_full_text(_each_word(groups), pool))
        if letters:
            for pk in SearchDocument.objects.filter(initials__contains=f" {letters}").values_list(
                "pk", flat=True
            )[:pool]:
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
    ranked = sorted(names, key=lambda pk: (-found[pk], names[pk]))[offset : offset + limit]
    return [Hit(*owners[pk], name=names[pk], score=found[pk]) for pk in ranked]


def _each_word(groups: list[list[str]]) -> list[list[str]]:
    return [[word] for group in groups for word in group]


# --- PostgreSQL: one statement per search ------------------------------------------------
#
# Each round trip to the server costs more than the matching itself, so the name-ranked
# matches, the matches anywhere, the any-word fallback, the pinyin initials and the rows
# to rank come back from one statement. The synonym table, needed to write that statement,
# is kept in the process; the statement also returns the table's fingerprint, and a
# search written with an outdated copy (another process changed it) is read again.

_synonyms: tuple[str, list[tuple[str, str]]] | None = None  # (fingerprint, pairs)

_FINGERPRINT = (
    "SELECT md5(coalesce(string_agg(term || chr(31) || expansion, chr(30) ORDER BY term), ''))"
    " FROM catalog_synonym"
)


def _synonym_table() -> tuple[str, list[tuple[str, str]]]:
    global _synonyms
    if _synonyms is None:
        with connection.cursor() as cursor:
            cursor.execute(_FINGERPRINT)
            fingerprint = cursor.fetchone()[0]
        _synonyms = (fingerprint, list(Synonym.objects.values_list("term", "expansion")))
    return _synonyms


def _forget_synonyms(**kwargs) -> None:
    global _synonyms
    _synonyms = None


post_save.connect(_forget_synonyms, sender=Synonym, dispatch_uid="search-synonyms-saved")
post_delete.connect(_forget_synonyms, sender=Synonym, dispatch_uid="search-synonyms-deleted")


def _tsquery(groups: list[list[str]]) -> str:
    def lexeme(word: str) -> str:
        return "'" + word.replace("\\", "").replace("'", "''") + "'"

    return " | ".join("(" + " & ".join(map(lexeme, g)) + ")" for g in groups)


def _matches(name: str, words: str, guard: str) -> str:
    """CTEs ``<name>``: up to %(pool)s matches in the name, ranked, then matches anywhere
    (unranked, only while the name matches are fewer), at most twice the pool in all."""
    query = f"to_tsquery('simple', %({words})s)"
    # Only these fixed names and guards are spliced in; what was typed goes as parameters.
    return (
        f"{name}_named AS (SELECT d.id, "  # noqa: S608
        f"(1 + ts_rank(d.name_vector, {query}))::float8 AS score "
        f"FROM catalog_searchdocument d WHERE d.name_vector @@ {query} AND {guard} "
        "ORDER BY 2 DESC LIMIT %(pool)s), "
        f"{name}_anywhere AS (SELECT d.id, 0.5::float8 AS score FROM catalog_searchdocument d "
        f"WHERE d.search_vector @@ {query} AND {guard} "
        f"AND (SELECT count(*) FROM {name}_named) < %(pool)s LIMIT %(twice)s), "
        f"{name} AS (SELECT id, max(score) AS score FROM (SELECT * FROM {name}_named "
        f"UNION ALL SELECT * FROM {name}_anywhere) m GROUP BY id "
        "ORDER BY 2 DESC LIMIT %(twice)s)"
    )


def _statement(groups: list[list[str]], letters: str | None) -> str:
    ctes, parts = [], []
    if groups:
        ctes.append(_matches("every", "every", "true"))
        parts.append("SELECT id, score FROM every")
        if any(len(group) > 1 for group in groups):  # else the fallback asks the same
            ctes.append(_matches("either", "either", "NOT EXISTS (SELECT 1 FROM every)"))
            parts.append("SELECT id, score FROM either")
    if letters:
        ctes.append(
            "initials AS (SELECT d.id FROM catalog_searchdocument d "
            "WHERE d.initials LIKE %(initials)s LIMIT %(pool)s)"
        )
        parts.append("SELECT id, 10.0::float8 FROM initials")
    return (
        f"WITH {', '.join(ctes)} "  # noqa: S608
        "SELECT f.fingerprint, d.id, d.name, d.item_id, d.bundle_id, d.name_tokens, d.tokens, "
        f"h.score FROM ({_FINGERPRINT}) f(fingerprint) "
        f"LEFT JOIN (SELECT id, sum(score) AS score FROM ({' UNION ALL '.join(parts)}) x "
        "GROUP BY id) h ON true "
        # A look-up by key per hit, never a scan of the table to join it (OFFSET 0 keeps
        # the planner from turning the LATERAL back into a join).
        "LEFT JOIN LATERAL (SELECT * FROM catalog_searchdocument WHERE id = h.id OFFSET 0) d "
        "ON true"
    )


def _postgres(query: str, letters: str | None, pool: int):
    """(groups, {document id: score}, rows) as the other databases' steps make them."""
    global _synonyms
    for _attempt in range(2):
        fingerprint, synonyms = _synonym_table()
        groups = word_groups(query, synonyms)
        if not groups and not letters:
            return groups, {}, []
        params = {
            "every": _tsquery(groups),
            "either": _tsquery(_each_word(groups)),
            "initials": f"% {letters}%",
            "pool": pool,
            "twice": pool * 2,
        }
        with connection.cursor() as cursor:
            cursor.execute(_statement(groups, letters), params)
            result = cursor.fetchall()
        if result[0][0] == fingerprint:
            break
        _synonyms = None  # changed elsewhere since it was read: read it and search again
    rows = [row[1:7] for row in result if row[1] is not None]
    found = {row[1]: float(row[7]) for row in result if row[1] is not None}
    return groups, found, rows


def _full_text(groups: list[list[str]], limit: int) -> list[tuple[int, float]]:
    """(document id, score) of matches of any group (every word of a group present).

    Matches in the name come first, ranked; matches elsewhere fill up the rest unranked,
    so a word that thousands of items carry as a keyword costs no ranking of them all.
    (PostgreSQL does the same in one statement, ``_postgres``.)
    """
    if connection.vendor == "sqlite":

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
