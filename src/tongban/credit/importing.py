"""Reading credit records from the city credit database (公共信用信息平台).

Two ways in, both giving the same rows: a file (CSV with a header row, UTF-8 with or
without BOM, or a JSON list), uploaded by staff or read from a path; and an HTTP adapter
that fetches the records changed since the last fetch (port ``credit_database``). A file
with one bad row is refused whole, every bad row listed: nothing is imported.

Columns / keys: ``id`` (the record's identifier at the source), ``subject`` (ID number or
unified social credit code), ``name``, ``kind`` (red_list, black_list, false_commitment,
overdue_supplement, other — or the Chinese 红名单, 黑名单, 虚假承诺, 容缺逾期, 其他),
``title``, ``authority``, ``decided_on``, ``valid_until``, ``repaired_on`` (YYYY-MM-DD).
"""

import csv
import datetime as dt
import io
import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongban.core.adapters import get_adapter, register
from tongban.core.identifiers import validate_resident_id, validate_uscc

from .models import Kind

PORT = "credit_database"

KIND_ALIASES = {
    "红名单": Kind.RED_LIST,
    "黑名单": Kind.BLACK_LIST,
    "失信": Kind.BLACK_LIST,
    "虚假承诺": Kind.FALSE_COMMITMENT,
    "容缺逾期": Kind.OVERDUE_SUPPLEMENT,
    "其他": Kind.OTHER,
}
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RecordRow:
    external_id: str
    subject: str
    name: str
    kind: str
    title: str
    authority: str
    decided_on: dt.date
    valid_until: dt.date | None
    repaired_on: dt.date | None


def _date(raw: Any, required: bool) -> dt.date | None:
    text = str(raw or "").strip()
    if not text:
        if required:
            raise ValueError(_("a date is required"))
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": text}) from None


def _subject(raw: Any) -> str:
    text = "".join(str(raw or "").split()).upper()
    if not text:
        raise ValueError(_("the ID number or credit code is missing"))
    try:
        return validate_resident_id(text)
    except ValidationError as as_person:
        try:
            return validate_uscc(text)
        except ValidationError:
            looks_like_person = len(text) == 18 and text[:17].isdigit()
            raise ValueError(
                "；".join(as_person.messages)
                if looks_like_person
                else _(
                    "“%(value)s” is neither a resident ID number nor a unified social credit code"
                )
                % {"value": text}
            ) from None


def parse_row(raw: dict[str, Any]) -> RecordRow:
    """One row, or ValueError saying what is wrong with it."""
    row = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
    kind = str(row.get("kind") or "").strip()
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in Kind.values:
        raise ValueError(_("unknown kind “%(kind)s”") % {"kind": kind})
    title = str(row.get("title") or "").strip()
    authority = str(row.get("authority") or "").strip()
    if not title or not authority:
        raise ValueError(_("what happened (title) and the issuing authority are required"))
    return RecordRow(
        external_id=str(row.get("id") or "").strip()[:100],
        subject=_subject(row.get("subject")),
        name=str(row.get("name") or "").strip()[:200],
        kind=kind,
        title=title[:500],
        authority=authority[:200],
        decided_on=_date(row.get("decided_on"), True),
        valid_until=_date(row.get("valid_until"), False),
        repaired_on=_date(row.get("repaired_on"), False),
    )


def parse_rows(raw_rows: list[dict[str, Any]]) -> list[RecordRow]:
    if len(raw_rows) > MAX_ROWS:
        raise ValidationError(
            _("At most %(max)s records per import.") % {"max": MAX_ROWS}, code="too_many"
        )
    rows, problems = [], []
    for number, raw in enumerate(raw_rows, start=1):
        try:
            rows.append(parse_row(raw))
        except (ValueError, AttributeError) as error:
            problems.append(_("Record %(n)s: %(problem)s") % {"n": number, "problem": error})
    if problems:
        raise ValidationError([_("Nothing was imported."), *problems[:50]], code="invalid_rows")
    return rows


def parse_file(data: bytes, file_name: str = "") -> list[RecordRow]:
    """A CSV or JSON file's records; ValidationError (nothing imported) when any is bad."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text (CSV or JSON)."), code="encoding"
        ) from None
    stripped = text.lstrip()
    if file_name.lower().endswith(".json") or stripped.startswith(("[", "{")):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("The JSON file cannot be read: %(error)s") % {"error": error}, code="json"
            ) from None
        if isinstance(loaded, dict):
            loaded = loaded.get("records", [])
        if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
            raise ValidationError(_("The JSON file must hold a list of records."), code="json")
        return parse_rows(loaded)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "subject" not in [f.strip().lower() for f in reader.fieldnames]:
        raise ValidationError(
            _("The CSV file needs a header row with at least: subject, kind, title, "
              "authority, decided_on."),
            code="csv",
        )  # fmt: skip
    return parse_rows(list(reader))


# ---------------------------------------------------------------- the city credit database


class CreditDatabase(Protocol):
    def fetch(self, since: dt.datetime | None) -> list[dict[str, Any]]:
        """The records changed since ``since`` (all when None), as raw rows. Raises on
        failure; the caller records it and tries again at the next run."""


def configuration() -> dict[str, Any]:
    """``TONGBAN_CREDIT_DATABASE``: {"adapter": "file" | "http", "path": …, "base_url": …,
    "timeout": seconds, "header_name": …, "header_value": …}; empty: no automatic import."""
    return dict(getattr(settings, "TONGBAN_CREDIT_DATABASE", {}) or {})


@register(PORT, "file")
class FileCreditDatabase:
    """A file the city drops on a shared path (the local, working implementation)."""

    def fetch(self, since: dt.datetime | None) -> list[dict[str, Any]]:
        path = configuration().get("path")
        if not path:
            raise ValueError("TONGBAN_CREDIT_DATABASE has no path")
        with open(path, "rb") as handle:
            data = handle.read()
        text = data.decode("utf-8-sig")
        if text.lstrip().startswith(("[", "{")):
            loaded = json.loads(text)
            return loaded.get("records", []) if isinstance(loaded, dict) else loaded
        return list(csv.DictReader(io.StringIO(text)))


@register(PORT, "http")
class HttpCreditDatabase:
    """``GET {base_url}?since=<ISO time>`` answering ``{"records": [...]}`` or a list."""

    def fetch(self, since: dt.datetime | None) -> list[dict[str, Any]]:
        options = configuration()
        url = options["base_url"]
        if not url.startswith(("http://", "https://")):
            raise ValueError("the credit database's base_url must be http(s)")
        if since is not None:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(
                {"since": since.isoformat()}
            )
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, headers={"Accept": "application/json"}
        )
        if options.get("header_name"):
            request.add_header(options["header_name"], options.get("header_value", ""))
        with urllib.request.urlopen(  # noqa: S310 (scheme checked above)
            request, timeout=float(options.get("timeout", 10))
        ) as answer:
            loaded = json.loads(answer.read().decode("utf-8"))
        records = loaded.get("records", []) if isinstance(loaded, dict) else loaded
        if not isinstance(records, list):
            raise ValueError("the credit database answered without a list of records")
        return records


def credit_database() -> CreditDatabase | None:
    name = configuration().get("adapter")
    return get_adapter(PORT, name) if name else None
