"""Excel (.xlsx) exchange of the catalog, the format departments send each other.

Three sheets: 事项 (one row per item), 材料 (materials), 情形 (situation answers), and an
optional fourth, 环节 (review steps: kind, role, agency for a joint review, share of the
promised limit); without it the cases of the item follow the default steps.
Import is all or nothing: every row is checked first and every problem is reported with
its sheet, row and column; only a file without problems is written, as new drafts that
then go through review and publication like any other edit.
"""

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.org import policy
from tongban.org.models import Agency
from tongban.org.policy import Principal

from .actions import current_version, open_draft
from .models import (
    Item,
    ItemType,
    ItemVersion,
    Material,
    ReviewStep,
    SituationOption,
    SituationQuestion,
)

ITEM_COLUMNS = [
    ("impl_code", "实施编码"),
    ("catalog_code", "基本编码"),
    ("handling_item_code", "业务办理项编码"),
    ("agency", "实施主体信用代码"),
    ("name", "事项名称"),
    ("item_type", "事项类型"),
    ("legal_basis", "设定依据"),
    ("power_source", "权力来源"),
    ("case_type", "办件类型"),
    ("statutory_limit", "法定时限"),
    ("statutory_limit_unit", "法定时限单位"),
    ("promised_limit", "承诺时限"),
    ("promised_limit_unit", "承诺时限单位"),
    ("acceptance_conditions", "受理条件"),
    ("fee_required", "是否收费"),
    ("fee_description", "收费说明"),
    ("online_depth", "网办深度"),
    ("onsite_visits", "到现场次数"),
    ("reach", "通办范围"),
    ("target_applicants", "服务对象"),
    ("keywords", "关键词"),
    ("procedure", "办理流程"),
    ("location", "办理地点"),
    ("contact", "咨询方式"),
]
MATERIAL_COLUMNS = [
    ("impl_code", "实施编码"),
    ("order", "序号"),
    ("name", "材料名称"),
    ("kind", "材料类型"),
    ("copies", "份数"),
    ("necessity", "必要性"),
    ("source", "来源渠道"),
    ("acceptance_standard", "受理标准"),
    ("applies_when", "适用情形"),
]
SITUATION_COLUMNS = [
    ("impl_code", "实施编码"),
    ("question", "问题"),
    ("answer", "答案"),
    ("option_limit", "该情形承诺时限"),
    ("fee_description", "该情形收费"),
    ("conditions", "附加条件"),
]
STEP_COLUMNS = [
    ("impl_code", "实施编码"),
    ("order", "序号"),
    ("step_kind", "环节类型"),
    ("step_name", "环节名称"),
    ("role", "办理角色"),
    ("step_agency", "办理机关信用代码"),
    ("share", "时限占比"),
]
SHEETS = {
    "事项": ITEM_COLUMNS,
    "材料": MATERIAL_COLUMNS,
    "情形": SITUATION_COLUMNS,
    "环节": STEP_COLUMNS,
}
OPTIONAL_SHEETS = {"环节"}
LIST_FIELDS = {"target_applicants"}


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(Exception):
    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass
class ParsedItem:
    row: int
    fields: dict[str, Any]
    materials: list[dict[str, Any]] = field(default_factory=list)
    questions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)


# --- export ------------------------------------------------------------------------------


def export_workbook(items=None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheets = {}
    for index, (title, columns) in enumerate(SHEETS.items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([label for _, label in columns])
        sheets[title] = sheet
    for item in (items or Item.objects.filter(cancelled_on__isnull=True)).select_related("agency"):
        version = current_version(item)
        if version is None:
            continue
        row = {
            "impl_code": item.impl_code,
            "catalog_code": item.catalog_code,
            "handling_item_code": item.handling_item_code,
            "agency": item.agency.credit_code,
        }
        for name, _label in ITEM_COLUMNS:
            if name not in row:
                value = getattr(version, name)
                row[name] = ",".join(value) if name in LIST_FIELDS else value
        sheets["事项"].append([_cell(row[name]) for name, _ in ITEM_COLUMNS])
        for question in version.questions.prefetch_related("options"):
            for option in question.options.all():
                sheets["情形"].append(
                    [
                        item.impl_code,
                        question.text,
                        option.text,
                        option.promised_limit,
                        option.fee_description,
                        option.conditions,
                    ]
                )
        for step in version.steps.select_related("agency"):
            sheets["环节"].append(
                [
                    item.impl_code,
                    step.order,
                    step.kind,
                    step.name,
                    step.role,
                    step.agency.credit_code if step.agency else "",
                    step.share,
                ]
            )
        for material in version.materials.prefetch_related("applies_when__question"):
            applies = ";".join(f"{o.question.text}={o.text}" for o in material.applies_when.all())
            sheets["材料"].append(
                [
                    item.impl_code,
                    material.order,
                    material.name,
                    material.kind,
                    material.copies,
                    material.necessity,
                    material.source,
                    material.acceptance_standard,
                    applies,
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


# --- import ------------------------------------------------------------------------------

CHOICES = {
    "item_type": dict(ItemType.choices),
    "power_source": dict(ItemVersion.PowerSource.choices),
    "case_type": dict(ItemVersion.CaseType.choices),
    "statutory_limit_unit": dict(ItemVersion.LimitUnit.choices),
    "promised_limit_unit": dict(ItemVersion.LimitUnit.choices),
    "reach": dict(ItemVersion.Reach.choices),
    "kind": dict(Material.Kind.choices),
    "necessity": dict(Material.Necessity.choices),
    "source": dict(Material.Source.choices),
    "step_kind": dict(ReviewStep.Kind.choices),
    "role": dict(ReviewStep.Actor.choices),
}
REQUIRED = {
    "impl_code",
    "catalog_code",
    "agency",
    "name",
    "item_type",
    "legal_basis",
    "case_type",
    "statutory_limit",
    "promised_limit",
}
INTEGERS = {
    "statutory_limit",
    "promised_limit",
    "option_limit",
    "online_depth",
    "onsite_visits",
    "copies",
    "order",
    "share",
}


class _Reader:
    def __init__(self) -> None:
        self.errors: list[CellError] = []

    def error(self, sheet: str, row: int, label: str, message: str) -> None:
        self.errors.append(CellError(sheet, row, label, message))

    def rows(self, workbook, title: str, columns):
        if title not in workbook.sheetnames:
            if title not in OPTIONAL_SHEETS:
                self.error(title, 0, "", _("The sheet %(sheet)s is missing.") % {"sheet": title})
            return
        sheet = workbook[title]
        header = [str(c.value).strip() if c.value is not None else "" for c in sheet[1]]
        positions = {}
        for name, label in columns:
            if label not in header:
                self.error(title, 1, label, _("Column %(column)s is missing.") % {"column": label})
            else:
                positions[name] = header.index(label)
        if len(positions) != len(columns):
            return
        for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if all(value in (None, "") for value in cells):
                continue
            values = {}
            for name, label in columns:
                raw = cells[positions[name]] if positions[name] < len(cells) else None
                values[name] = self.value(title, number, name, label, raw)
            yield number, values

    def value(self, sheet: str, row: int, name: str, label: str, raw: Any) -> Any:
        text = "" if raw is None else str(raw).strip()
        if name in REQUIRED and not text:
            self.error(sheet, row, label, _("A value is required."))
            return None
        if name in INTEGERS:
            if not text:
                return None
            try:
                number = int(float(text))
            except ValueError:
                self.error(
                    sheet,
                    row,
                    label,
                    _("A whole number is expected, not %(value)s.") % {"value": text},
                )
                return None
            if number < 0:
                self.error(sheet, row, label, _("The number cannot be negative."))
            return number
        if name == "item_type" and text.isdigit():
            text = text.zfill(2)  # Excel turns "01" into the number 1
        if name in CHOICES and text:
            if text in CHOICES[name]:
                return text
            by_label = {str(label_).strip(): code for code, label_ in CHOICES[name].items()}
            if text in by_label:
                return by_label[text]
            self.error(
                sheet,
                row,
                label,
                _("%(value)s is not one of: %(choices)s")
                % {"value": text, "choices": ", ".join(CHOICES[name])},
            )
            return None
        if name == "fee_required":
            return text in {"是", "true", "True", "1", "yes"}
        if name in LIST_FIELDS:
            return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
        return text


def parse_workbook(data: bytes) -> list[ParsedItem]:
    """Read and check everything; raise ImportRejected listing every problem."""
    from openpyxl import load_workbook

    reader = _Reader()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected(
            [CellError("", 0, "", _("This is not an Excel (.xlsx) file."))]
        ) from None
    items: dict[str, ParsedItem] = {}
    agencies = {a.credit_code: a for a in Agency.objects.all()}
    for row, values in reader.rows(workbook, "事项", ITEM_COLUMNS):
        code = values["impl_code"]
        if code in items:
            reader.error("事项", row, "实施编码", _("This implementation code appears twice."))
            continue
        if values["agency"] and values["agency"] not in agencies:
            reader.error("事项", row, "实施主体信用代码", _("No agency has this credit code."))
        if (
            values["statutory_limit"] is not None
            and values["promised_limit"] is not None
            and (values["promised_limit_unit"] or "working_days")
            == (values["statutory_limit_unit"] or "working_days")
            and values["promised_limit"] > values["statutory_limit"]
        ):
            reader.error(
                "事项", row, "承诺时限", _("The promised limit exceeds the statutory one.")
            )
        values["agency"] = agencies.get(values["agency"])
        if code:
            items[code] = ParsedItem(row=row, fields=values)
    for row, values in reader.rows(workbook, "情形", SITUATION_COLUMNS):
        parsed = items.get(values["impl_code"])
        if parsed is None:
            reader.error("情形", row, "实施编码", _("No item with this code in the 事项 sheet."))
            continue
        if not values["question"] or not values["answer"]:
            reader.error(
                "情形", row, "问题" if not values["question"] else "答案", _("A value is required.")
            )
            continue
        parsed.questions.setdefault(values["question"], []).append(values)
    for row, values in reader.rows(workbook, "材料", MATERIAL_COLUMNS):
        parsed = items.get(values["impl_code"])
        if parsed is None:
            reader.error("材料", row, "实施编码", _("No item with this code in the 事项 sheet."))
            continue
        if not values["name"]:
            reader.error("材料", row, "材料名称", _("A value is required."))
            continue
        if "复印件" in values["name"]:
            reader.error(
                "材料", row, "材料名称", _("Photocopies are never required: staff scan originals.")
            )
        links = []
        for condition in filter(None, (values["applies_when"] or "").split(";")):
            question, _sep, answer = condition.partition("=")
            known = [o["answer"] for o in parsed.questions.get(question.strip(), [])]
            if answer.strip() not in known:
                reader.error(
                    "材料",
                    row,
                    "适用情形",
                    _("%(condition)s names no answer of the 情形 sheet.")
                    % {"condition": condition},
                )
            links.append((question.strip(), answer.strip()))
        values["links"] = links
        values["kind"] = values["kind"] or Material.Kind.ORIGINAL
        parsed.materials.append(values)
    for row, values in reader.rows(workbook, "环节", STEP_COLUMNS):
        parsed = items.get(values["impl_code"])
        if parsed is None:
            reader.error("环节", row, "实施编码", _("No item with this code in the 事项 sheet."))
            continue
        for name, label in (("step_kind", "环节类型"), ("role", "办理角色")):
            if not values[name]:
                reader.error("环节", row, label, _("A value is required."))
        if values["share"] is not None and values["share"] > 100:
            reader.error("环节", row, "时限占比", _("A share is a percentage, at most 100."))
        if values["step_agency"] and values["step_agency"] not in agencies:
            reader.error("环节", row, "办理机关信用代码", _("No agency has this credit code."))
        values["row"] = row
        values["step_agency"] = agencies.get(values["step_agency"] or "")
        parsed.steps.append(values)
    for parsed in items.values():
        _check_steps(reader, parsed)
    if reader.errors:
        raise ImportRejected(reader.errors)
    return list(items.values())


def _check_steps(reader: "_Reader", parsed: ParsedItem) -> None:
    """Steps, when given, must let a case be decided and fit in the promised limit."""
    if not parsed.steps:
        return
    first = parsed.steps[0]["row"]
    if not any(step["step_kind"] == ReviewStep.Kind.DECISION for step in parsed.steps):
        reader.error("环节", first, "环节类型", _("The steps need a decision step."))
    total = sum(step["share"] or 0 for step in parsed.steps)
    if total > 100:
        reader.error(
            "环节",
            first,
            "时限占比",
            _("The steps' shares add up to %(total)d %%, more than the whole limit.")
            % {"total": total},
        )


def import_workbook(principal: Principal, data: bytes) -> list[ItemVersion]:
    """Write every item of a checked file as a new draft, in one transaction."""
    parsed_items = parse_workbook(data)
    problems = []
    for parsed in parsed_items:
        item = Item.objects.filter(impl_code=parsed.fields["impl_code"]).first()
        target = item or Item(agency=parsed.fields["agency"])
        if not policy.allows(principal, "catalog.edit_item", target):
            problems.append(
                CellError(
                    "事项",
                    parsed.row,
                    "实施主体信用代码",
                    str(policy.refusal_message("catalog.edit_item")),
                )
            )
        elif item is not None and open_draft(item) is not None:
            problems.append(
                CellError(
                    "事项",
                    parsed.row,
                    "实施编码",
                    _("This item already has an open draft; finish it first."),
                )
            )
    if problems:
        raise ImportRejected(problems)
    drafts = []
    with transaction.atomic():
        for parsed in parsed_items:
            drafts.append(_write(parsed))
        audit.record(
            "catalog.import",
            object_type="catalog.import",
            actor=principal.actor,
            changes={"drafts": [f"{d.item.impl_code} v{d.number}" for d in drafts]},
        )
    return drafts


def _write(parsed: ParsedItem) -> ItemVersion:
    values = dict(parsed.fields)
    codes = {k: values.pop(k) for k in ("impl_code", "catalog_code", "handling_item_code")}
    agency = values.pop("agency")
    item, _created = Item.objects.select_for_update().get_or_create(
        impl_code=codes["impl_code"],
        defaults={
            "catalog_code": codes["catalog_code"],
            "agency": agency,
            "handling_item_code": codes["handling_item_code"] or "",
        },
    )
    number = (item.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    defaults = {
        "power_source": "statutory",
        "statutory_limit_unit": "working_days",
        "promised_limit_unit": "working_days",
        "reach": "service_point",
        "online_depth": 1,
        "onsite_visits": 1,
    }
    for name, default in defaults.items():
        if values.get(name) in (None, ""):
            values[name] = default
    version = ItemVersion.objects.create(item=item, number=number, **values)
    options = {}
    for order, (text, answers) in enumerate(parsed.questions.items(), start=1):
        question = SituationQuestion.objects.create(version=version, order=order, text=text)
        for position, answer in enumerate(answers, start=1):
            options[(text, answer["answer"])] = SituationOption.objects.create(
                question=question,
                order=position,
                text=answer["answer"],
                promised_limit=answer["option_limit"],
                fee_description=answer["fee_description"] or "",
                conditions=answer["conditions"] or "",
            )
    for position, step in enumerate(parsed.steps, start=1):
        ReviewStep.objects.create(
            version=version,
            order=step["order"] if step["order"] is not None else position,
            kind=step["step_kind"],
            name=step["step_name"] or "",
            role=step["role"],
            agency=step["step_agency"],
            share=step["share"] or 0,
        )
    for values in parsed.materials:
        links = values.pop("links")
        for name in ("impl_code", "applies_when"):
            values.pop(name)
        values = {k: v for k, v in values.items() if v not in (None, "")}
        material = Material.objects.create(version=version, **values)
        material.applies_when.set([options[link] for link in links])
    return version


def errors_as_message(errors: list[CellError]) -> str:
    first = errors[0]
    where = f"{first.sheet} {first.row} {first.column}".strip()
    return _(
        "The file was not imported: %(count)d problems, the first at %(where)s: %(message)s"
    ) % {"count": len(errors), "where": where, "message": first.message}


__all__ = [
    "ImportRejected",
    "ValidationError",
    "export_workbook",
    "import_workbook",
    "parse_workbook",
]
