"""A few validity rules every city starts with; edited in the admin afterwards.

Long-lived identity and registration documents are reused until replaced; a bank statement
or a credit or criminal-record certificate is only current for months. Everything else
falls back to ``archive.models.DEFAULT_VALIDITY_MONTHS``.
"""

from django.db import migrations

# (material key as ``catalog.bundles.material_key`` normalises it, months or None, why)
RULES = [
    ("营业执照", None, "登记事项变更时换发新照，由新执照替换"),
    ("法定代表人身份证明", None, "法定代表人变更时由新证明替换"),
    ("居民身份证", None, "换领新证时由新证替换"),
    ("银行流水", 3, "银行出具的流水通常要求近三个月"),
    ("银行资信证明", 3, "资信证明通常要求近三个月出具"),
    ("无犯罪记录证明", 6, "多数事项要求六个月内出具"),
]


def add_rules(apps, schema_editor):
    ValidityRule = apps.get_model("archive", "ValidityRule")
    for key, months, note in RULES:
        ValidityRule.objects.get_or_create(
            material_key=key, defaults={"months": months, "note": note}
        )


def remove_rules(apps, schema_editor):
    ValidityRule = apps.get_model("archive", "ValidityRule")
    ValidityRule.objects.filter(material_key__in=[key for key, _m, _n in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
