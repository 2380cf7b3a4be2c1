"""Split a proposed enterprise name into its four parts (第六条): division, trade name,
industry or business feature, organisational form.

``德州市鑫源食品有限公司`` → 德州市 / 鑫源 / 食品 / 有限公司. The division may also stand in
brackets after the trade name (``鑫源(德州)科技有限公司``, 第七条 allows it). The form is
matched at the end from a known list, the division at the start from the province list
plus the platform's regions, the industry as the longest known term before the form; the
trade name is what remains.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import defaults

# Longest first: 广西壮族自治区 before 自治区, 自治区 before 区.
_DIVISION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区")
_DIVISION_SUFFIXES += ("自治州", "自治县", "地区", "新区", "省", "市", "区", "县", "旗", "盟")
_BRACKETED_DIVISION = re.compile(r"^(?P<trade>[^()]+)\((?P<division>[^()]+)\)(?P<rest>[^()]*)$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Trade names one character long (or less) are refused anyway: 第八条 asks for two or more.
MIN_TRADE_NAME = 2


def normalize(text: str) -> str:
    """Strip, fold full-width ASCII and brackets to half-width (NFKC), drop spaces and
    control characters: ``德州 鑫源（食品）ＡＢＣ`` → ``德州鑫源(食品)ABC``."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(
        ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in {"Cc", "Cf"}
    )


def division_key(division: str) -> str:
    """The most specific part of a division without its suffix: 山东省德州市 → 德州."""
    if not division:
        return ""
    for suffix in _DIVISION_SUFFIXES:
        if division.endswith(suffix) and len(division) - len(suffix) >= 2:
            return division[: -len(suffix)]
    return division


def is_han(ch: str) -> bool:
    return bool(_HAN.fullmatch(ch))


@dataclass(frozen=True)
class Vocabulary:
    """What the parser knows: forms, division names, industry terms with their group."""

    forms: tuple[str, ...]
    divisions: frozenset[str]
    industry_groups: dict[str, str]  # term → group code

    @classmethod
    def build(
        cls,
        *,
        region_names: Iterable[str] = (),
        industry_terms: Iterable[tuple[str, str]] = (),
    ) -> "Vocabulary":
        divisions = {normalize(n) for n in (*defaults.DIVISIONS, *region_names) if n}
        # A region's short form (德州 for 德州市) is used in names as often as the full one.
        divisions |= {division_key(n) for n in list(divisions)}
        return cls(
            forms=defaults.FORMS,
            divisions=frozenset(d for d in divisions if len(d) >= 2),
            industry_groups={normalize(t): g for t, g in industry_terms if t},
        )

    @classmethod
    def load(cls) -> "Vocabulary":
        """Read regions (province to county: 第七条, 县级以上) and industry terms."""
        from tongban.org.models import Region

        from .models import IndustryTerm

        return cls.build(
            region_names=Region.objects.filter(level__lte=Region.Level.COUNTY).values_list(
                "name", flat=True
            ),
            industry_terms=IndustryTerm.objects.values_list("term", "group_code"),
        )

    def industry_group(self, industry: str) -> str:
        """The group of a term; an unknown term is a group of its own."""
        if not industry:
            return ""
        return self.industry_groups.get(industry, f"term:{industry}")


@dataclass(frozen=True)
class ParsedName:
    normalized: str
    division: str = ""
    trade_name: str = ""
    industry: str = ""
    industry_group: str = ""
    form: str = ""
    # Why the name could not be split fully: "" when it could, else empty / no_form / no_trade_name.
    problem: str = ""

    @property
    def division_key(self) -> str:
        return division_key(self.division)

    @property
    def name_key(self) -> str:
        """The name without its division: 德州市鑫源食品有限公司 and 鑫源(德州)食品有限公司
        are both 鑫源食品有限公司."""
        return f"{self.trade_name}{self.industry}{self.form}"

    @property
    def reason(self) -> str:
        """The problem in words, in the active language."""
        return {
            "": "",
            "empty": _("The name is empty."),
            "no_form": _(
                "The name does not end with an organisational form such as 有限公司 or 合伙企业."
            ),
            "no_trade_name": _(
                "No trade name is left once the division, industry and form are removed."
            ),
        }[self.problem]

    def as_dict(self) -> dict[str, str]:
        return {
            "division": self.division,
            "trade_name": self.trade_name,
            "industry": self.industry,
            "form": self.form,
        }


def parse_name(proposed: str, vocabulary: Vocabulary) -> ParsedName:
    """Split ``proposed`` into its parts. Never raises; ``problem`` says what is missing."""
    name = normalize(proposed)
    if not name:
        return ParsedName(normalized="", problem="empty")
    form = next((f for f in vocabulary.forms if name.endswith(f) and len(name) > len(f)), "")
    rest = name[: len(name) - len(form)]
    division, rest = _strip_divisions(rest, vocabulary)
    bracketed = _BRACKETED_DIVISION.match(rest)
    if bracketed and bracketed["division"] in vocabulary.divisions:
        division = division or bracketed["division"]
        rest = bracketed["trade"] + bracketed["rest"]
    industry = _industry_suffix(rest, vocabulary)
    trade_name = rest[: len(rest) - len(industry)]
    problem = "" if form else "no_form"
    if not trade_name:
        problem = problem or "no_trade_name"
    return ParsedName(
        normalized=name,
        division=division,
        trade_name=trade_name,
        industry=industry,
        industry_group=vocabulary.industry_group(industry),
        form=form,
        problem=problem,
    )


def _strip_divisions(rest: str, vocabulary: Vocabulary) -> tuple[str, str]:
    """Take division names off the front, longest first, as often as they chain
    (山东省德州市…); a name that is nothing but divisions keeps no trade name."""
    division = ""
    longest = max((len(d) for d in vocabulary.divisions), default=0)
    while True:
        for size in range(min(longest, len(rest)), 1, -1):
            if rest[:size] in vocabulary.divisions:
                division, rest = division + rest[:size], rest[size:]
                break
        else:
            return division, rest


def _industry_suffix(rest: str, vocabulary: Vocabulary) -> str:
    """The longest known industry term ending ``rest`` that leaves a trade name.

    A name whose industry is not in the vocabulary keeps it inside the trade name; the
    admin adds the term and :func:`tongban.naming.services.reindex` re-parses the registry.
    """
    for size in range(len(rest) - 1, 0, -1):
        if rest[-size:] in vocabulary.industry_groups:
            return rest[-size:]
    return ""
