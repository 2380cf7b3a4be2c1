"""The derived columns and trade-name keys of the registry, so the check reads indexes.

For a trade name of three or more characters the registry stores its one-character
deletions (两个字号只差一个字 ⇔ they share a deletion, or one is a deletion of the other) and
its substrings of two or more characters (one contains the other). Two-character trade
names get no keys: one character of two differing is too weak a likeness to warn about;
their likeness is found by pinyin and containment.
"""

from collections.abc import Iterable, Sequence

from .parse import Vocabulary, parse_name

try:  # pypinyin is optional: without it the homophone check is skipped.
    from pypinyin import Style, lazy_pinyin
except ImportError:  # pragma: no cover - pypinyin is installed in the project's venv
    lazy_pinyin = None

# Substring keys grow with the square of the length; trade names are rarely this long.
MAX_KEYED_LENGTH = 20


def pinyin(trade_name: str) -> str:
    """Toneless pinyin, joined: 鑫源 and 新元 are both ``xinyuan``. "" without pypinyin."""
    if lazy_pinyin is None or not trade_name:
        return ""
    return "".join(lazy_pinyin(trade_name, style=Style.NORMAL))[:300]


def deletions(trade_name: str) -> set[str]:
    if not 3 <= len(trade_name) <= MAX_KEYED_LENGTH:
        return set()
    return {trade_name[:i] + trade_name[i + 1 :] for i in range(len(trade_name))}


def substrings(trade_name: str) -> set[str]:
    """Proper substrings of two characters or more."""
    n = len(trade_name)
    if not 3 <= n <= MAX_KEYED_LENGTH:
        return set()
    return {trade_name[i:j] for i in range(n) for j in range(i + 2, n + 1) if j - i < n}


def derive(registered, vocabulary: Vocabulary | None = None) -> None:
    """Fill a RegisteredName's parts and lookup columns from its full name."""
    parsed = parse_name(registered.full_name, vocabulary or Vocabulary.load())
    registered.full_name = (registered.full_name or "").strip()
    registered.normalized = parsed.normalized
    registered.division = parsed.division
    registered.trade_name = parsed.trade_name
    registered.industry = parsed.industry
    registered.industry_group = parsed.industry_group
    registered.form = parsed.form
    registered.name_key = parsed.name_key
    registered.division_key = parsed.division_key
    registered.trade_pinyin = pinyin(parsed.trade_name)


def key_rows(registered) -> list:
    from .models import TradeNameKey

    kinds = TradeNameKey.Kind
    trade = registered.trade_name
    return [
        TradeNameKey(registered=registered, key=key, kind=kinds.DELETION)
        for key in sorted(deletions(trade))
    ] + [
        TradeNameKey(registered=registered, key=key, kind=kinds.SUBSTRING)
        for key in sorted(substrings(trade))
    ]


def write_keys(registered: Sequence) -> None:
    """Replace the keys of saved rows."""
    from .models import TradeNameKey

    TradeNameKey.objects.filter(registered__in=[r.pk for r in registered]).delete()
    TradeNameKey.objects.bulk_create(
        [row for r in registered for row in key_rows(r)], batch_size=2000
    )


def bulk_create(rows: Iterable, *, batch_size: int = 2000) -> int:
    """Insert unsaved RegisteredName rows with their keys, a batch at a time (imports)."""
    from .models import RegisteredName, TradeNameKey

    vocabulary = Vocabulary.load()
    count, batch = 0, []
    for row in rows:
        derive(row, vocabulary)
        batch.append(row)
        if len(batch) >= batch_size:
            count += _flush(batch, RegisteredName, TradeNameKey)
            batch = []
    if batch:
        count += _flush(batch, RegisteredName, TradeNameKey)
    return count


def _flush(batch: list, registered_model, key_model) -> int:
    created = registered_model.objects.bulk_create(batch)
    if any(r.pk is None for r in created):  # backends without RETURNING: read the ids back
        ids = dict(
            registered_model.objects.filter(
                full_name__in=[r.full_name for r in created], status="active"
            ).values_list("full_name", "pk")
        )
        for r in created:
            r.pk = r.id = ids.get(r.full_name)
    key_model.objects.bulk_create([k for r in created for k in key_rows(r)], batch_size=5000)
    return len(created)
