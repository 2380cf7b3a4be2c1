"""The name check (企业名称自主申报): a proposed name against the registry and the rules.

Rules, from 《企业名称登记管理规定》(国务院令第734号, 2020) and its 实施办法 (2023):

- 第八条: a trade name has two or more Chinese characters; a division or an industry term
  is not a trade name by itself.
- 第十条: the name states its organisational form.
- 第十一条: words harming national dignity, public order, naming parties, state or army
  bodies, foreign countries or international organisations are prohibited.
- 第十二条: 中国、中华、中央、全国、国家 need the State Council's approval (restricted here).
- 第十七条: a name may not be the same as a registered one with the same trade name in the
  same industry at the same registration authority; similar names (近似) are a risk the
  applicant is told about (实施办法 makes the applicant bear it, hence warnings).

Scope: the registration authority is approximated by the region (the proposal's region or
its division); names without a division are registered nationally and count everywhere.
What is not checked yet: names cancelled less than a year ago, well-known trademarks.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.org.models import Applicant, Region

from . import defaults, indexing
from .models import BannedWord, IndustryTerm, RegisteredName, TradeNameKey
from .parse import MIN_TRADE_NAME, ParsedName, Vocabulary, division_key, is_han, parse_name

OK, WARNING, REFUSED = "ok", "warning", "refused"
MAX_LISTED = 10  # existing names listed per finding
MAX_NAME_LENGTH = 100
# Rows read per near-match lookup: enough to fill the list after filtering.
_CANDIDATES = 50


@dataclass
class Finding:
    code: str
    severity: str  # WARNING or REFUSED
    message: str
    existing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "existing": self.existing}


@dataclass
class NameCheck:
    proposed: str
    parts: ParsedName
    findings: list[Finding] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        severities = {f.severity for f in self.findings}
        return REFUSED if REFUSED in severities else WARNING if severities else OK

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


def check_name(proposed: str, *, region: Region | None = None) -> NameCheck:
    """Check a proposed full name. Never raises on any text; reads indexes only."""
    vocabulary = Vocabulary.load()
    parts = parse_name(proposed, vocabulary)
    result = NameCheck(proposed=proposed, parts=parts)
    _check_structure(result, vocabulary)
    _check_banned_words(result)
    if not parts.normalized or len(parts.normalized) > MAX_NAME_LENGTH:
        return result
    region = region or _region_for(parts)
    reported: set[str] = set()
    _check_exact(result, region, reported)
    if len(parts.trade_name) >= MIN_TRADE_NAME:
        _check_same_trade_name(result, region, reported)
        _check_near_matches(result, reported)
    return result


# ---------------------------------------------------------------- structure and words


def _check_structure(result: NameCheck, vocabulary: Vocabulary) -> None:
    parts = result.parts
    add = result.findings.append
    if parts.problem == "empty":
        add(Finding("empty", REFUSED, _("Enter the full name you propose.")))
        return
    if len(parts.normalized) > MAX_NAME_LENGTH:
        add(
            Finding(
                "too_long",
                REFUSED,
                _("The name is longer than %(max)d characters.") % {"max": MAX_NAME_LENGTH},
            )
        )
    if parts.problem == "no_form":
        add(Finding("missing_form", REFUSED, parts.reason))
    if len(parts.trade_name) < MIN_TRADE_NAME:
        add(
            Finding(
                "trade_name_too_short",
                REFUSED,
                _("The trade name must have at least two Chinese characters (第八条)."),
            )
        )
    elif parts.trade_name in vocabulary.divisions or parts.trade_name in vocabulary.industry_groups:
        add(
            Finding(
                "trade_name_generic",
                WARNING,
                _(
                    "The trade name “%(trade)s” is a place name or an industry term; it may be "
                    "used only where it has another meaning (第八条)."
                )
                % {"trade": parts.trade_name},
            )
        )
    if any(not is_han(ch) for ch in parts.trade_name):
        add(
            Finding(
                "non_chinese_trade_name",
                WARNING,
                _(
                    "The trade name contains letters, digits or symbols; an enterprise name "
                    "uses standard Chinese characters (第五条)."
                ),
            )
        )


def _check_banned_words(result: NameCheck) -> None:
    name = result.parts.normalized
    if not name:
        return
    for word in BannedWord.objects.all():
        if word.word and word.word in name:
            prohibited = word.kind == BannedWord.Kind.PROHIBITED
            message = (
                _("The name contains “%(word)s”, which an enterprise name may not use: %(reason)s.")
                if prohibited
                else _("The name contains “%(word)s”, which needs approval before use: %(reason)s.")
            )
            result.findings.append(
                Finding(
                    "prohibited_word" if prohibited else "restricted_word",
                    REFUSED if prohibited else WARNING,
                    message % {"word": word.word, "reason": word.reason},
                )
            )


# ---------------------------------------------------------------- the registry


def _region_for(parts: ParsedName) -> Region | None:
    """The region the division names, when the platform knows it (德州 → 德州市)."""
    key = parts.division_key
    if not key:
        return None
    candidates = Region.objects.filter(
        level__lte=Region.Level.COUNTY, name__startswith=key
    ).order_by("level", "code")
    return next(
        (r for r in candidates[:5] if r.name == key or r.name[len(key) :] in "省市区县"), None
    )


def _scope(parts: ParsedName, region: Region | None) -> Q:
    """Names at the same registration authority: the proposal's region, the regions above
    it and below it, or the same division; national names (no division) everywhere. A
    proposal without a division or a region is checked everywhere."""
    if not parts.division and region is None:
        return Q()
    scope = Q(division_key="")
    keys = {parts.division_key} if parts.division_key else set()
    if region is not None:
        lineage = [*region.ancestors(), region]
        keys |= {division_key(r.name) for r in lineage}
        scope |= Q(region__in=[r.pk for r in lineage])
        significant = {1: 2, 2: 4, 3: 6}.get(region.level)
        if significant:  # the counties of a city, the cities of a province
            scope |= Q(region__code__startswith=region.code[:significant])
    return scope | Q(division_key__in=keys)


def _active() -> QuerySet[RegisteredName]:
    return RegisteredName.objects.filter(status=RegisteredName.Status.ACTIVE)


def _names(queryset: QuerySet[RegisteredName], reported: set[str]) -> list[str]:
    names = [
        n for n in queryset.values_list("full_name", flat=True)[:_CANDIDATES] if n not in reported
    ]
    names = names[:MAX_LISTED]
    reported.update(names)
    return names


def _check_exact(result: NameCheck, region: Region | None, reported: set[str]) -> None:
    parts = result.parts
    same = _names(_active().filter(normalized=parts.normalized).order_by("full_name"), reported)
    if parts.trade_name:
        # The same name but for the division: a conflict where the divisions agree.
        same += _names(
            _active()
            .filter(Q(name_key=parts.name_key) & _scope(parts, region))
            .order_by("full_name"),
            reported,
        )
    if same:
        result.findings.append(
            Finding(
                "exact_duplicate",
                REFUSED,
                _("This name is already registered."),
                same,
            )
        )
    if parts.trade_name and parts.division:
        elsewhere = _names(
            _active().filter(name_key=parts.name_key).order_by("full_name"), reported
        )
        if elsewhere:
            result.findings.append(
                Finding(
                    "same_name_other_region",
                    WARNING,
                    _("The same name is registered in another region."),
                    elsewhere,
                )
            )


def _check_same_trade_name(result: NameCheck, region: Region | None, reported: set[str]) -> None:
    parts = result.parts
    in_scope = _active().filter(Q(trade_name=parts.trade_name) & _scope(parts, region))
    same_industry = _names(
        in_scope.filter(industry_group=parts.industry_group).order_by("full_name"), reported
    )
    if same_industry:
        result.findings.append(
            Finding(
                "same_trade_name_same_industry",
                REFUSED,
                _(
                    "An enterprise in the same industry and region already uses the trade name "
                    "“%(trade)s” (第十七条)."
                )
                % {"trade": parts.trade_name},
                same_industry,
            )
        )
    other_industry = _names(
        in_scope.exclude(industry_group=parts.industry_group).order_by("full_name"), reported
    )
    if other_industry:
        result.findings.append(
            Finding(
                "same_trade_name_other_industry",
                WARNING,
                _(
                    "Enterprises in other industries use the trade name “%(trade)s”; the name "
                    "may be confused with theirs."
                )
                % {"trade": parts.trade_name},
                other_industry,
            )
        )


def _check_near_matches(result: NameCheck, reported: set[str]) -> None:
    """One character apart, the same in pinyin, or one contains the other: in the same
    industry group (any region), found by key lookups."""
    parts = result.parts
    trade = parts.trade_name
    if len(trade) > indexing.MAX_KEYED_LENGTH:
        return
    active = _active()
    if parts.industry_group:
        active = active.filter(industry_group=parts.industry_group)
    candidates: dict[str, str] = {}  # full name → trade name
    keyed = (
        TradeNameKey.objects.filter(
            Q(kind=TradeNameKey.Kind.DELETION, key__in=indexing.deletions(trade) | {trade})
            | Q(kind=TradeNameKey.Kind.SUBSTRING, key=trade),
            registered__in=active.values("pk"),
        )
        .values_list("registered__full_name", "registered__trade_name")
        .order_by("registered__full_name")
        .distinct()
    )
    candidates.update(keyed[: _CANDIDATES * 2])
    shorter = indexing.deletions(trade) | indexing.substrings(trade)
    if shorter:
        rows = active.filter(trade_name__in=shorter).order_by("full_name")
        candidates.update(rows.values_list("full_name", "trade_name")[:_CANDIDATES])
    sound = indexing.pinyin(trade)
    if sound:
        rows = active.filter(trade_pinyin=sound).exclude(trade_name=trade).order_by("full_name")
        candidates.update(rows.values_list("full_name", "trade_name")[:_CANDIDATES])

    groups: dict[str, list[str]] = {"similar": [], "homophone": [], "contains": []}
    for full_name, other in sorted(candidates.items()):
        if full_name in reported or other == trade:
            continue
        if _one_edit_apart(trade, other) and min(len(trade), len(other)) >= 3:
            groups["similar"].append(full_name)
        elif sound and indexing.pinyin(other) == sound:
            groups["homophone"].append(full_name)
        elif len(other) >= MIN_TRADE_NAME and (other in trade or trade in other):
            groups["contains"].append(full_name)
    messages = {
        "similar": _("Trade names one character apart from “%(trade)s” are registered."),
        "homophone": _("Trade names that sound the same as “%(trade)s” are registered."),
        "contains": _("Registered trade names contain “%(trade)s” or are contained in it."),
    }
    for kind, names in groups.items():
        if names:
            names = names[:MAX_LISTED]
            reported.update(names)
            result.findings.append(
                Finding(f"{kind}_trade_name", WARNING, messages[kind] % {"trade": trade}, names)
            )


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly one."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# ---------------------------------------------------------------- maintaining the registry


def register_name(
    full_name: str,
    *,
    region: Region | None = None,
    registered_on=None,
    applicant: Applicant | None = None,
) -> RegisteredName:
    """Add one active name to the registry (parts and keys derived on save)."""
    return RegisteredName.objects.create(
        full_name=full_name, region=region, registered_on=registered_on, applicant=applicant
    )


def bulk_register(rows: Iterable[RegisteredName]) -> int:
    """Import many names at once (a registry export); returns how many were inserted."""
    with transaction.atomic():
        return indexing.bulk_create(rows)


def reindex() -> int:
    """Re-parse every registered name and rewrite its keys, e.g. after industry terms change."""
    vocabulary = Vocabulary.load()
    count = 0
    with transaction.atomic():
        for row in RegisteredName.objects.iterator(chunk_size=2000):
            row.vocabulary = vocabulary  # save() derives the parts and rewrites the keys
            row.save()
            count += 1
    return count


def sync_from_applicants() -> dict[str, int]:
    """Upsert a registered name for every enterprise applicant (legal person) on the
    platform: a registered enterprise's name is taken. Returns counts per outcome."""
    counts = {"created": 0, "updated": 0, "linked": 0, "unchanged": 0}
    with transaction.atomic():
        linked = {r.applicant_id: r for r in RegisteredName.objects.filter(applicant__isnull=False)}
        new_rows = []
        applicants = Applicant.objects.filter(kind=Applicant.Kind.LEGAL).order_by("pk")
        for applicant in applicants.iterator(chunk_size=2000):
            name = applicant.name.strip()
            row = linked.get(applicant.pk)
            if row is not None:
                if row.full_name != name or row.region_id != applicant.region_id:
                    row.full_name, row.region_id = name, applicant.region_id
                    row.save()
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                continue
            row = _active().filter(full_name=name, applicant__isnull=True).first()
            if row is not None:
                row.applicant = applicant
                row.region_id = row.region_id or applicant.region_id
                row.save()
                counts["linked"] += 1
                continue
            new_rows.append(
                RegisteredName(
                    full_name=name,
                    region_id=applicant.region_id,
                    registered_on=applicant.created_at.date() if applicant.created_at else None,
                    applicant=applicant,
                )
            )
        counts["created"] = indexing.bulk_create(new_rows)
        audit.record(
            "naming.sync_from_applicants",
            object_type="naming.registeredname",
            object_label="enterprise applicants",
            changes=counts,
        )
    return counts


def seed() -> dict[str, int]:
    """Load the default banned words and industry terms; rows edited in the admin stay."""
    created = {"banned_words": 0, "industry_terms": 0}
    for word, kind, reason in defaults.BANNED_WORDS:
        _obj, made = BannedWord.objects.get_or_create(
            word=word, defaults={"kind": kind, "reason": reason}
        )
        created["banned_words"] += made
    for term, group_code, group_name in defaults.INDUSTRY_TERMS:
        _obj, made = IndustryTerm.objects.get_or_create(
            term=term, defaults={"group_code": group_code, "group_name": group_name}
        )
        created["industry_terms"] += made
    return created
