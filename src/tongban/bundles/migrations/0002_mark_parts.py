"""Cases made by an application before ``Case.part_of`` existed get it set (the bundle's
hook asks for a case's application only when it is)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def mark(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    BundleMember = apps.get_model("bundles", "BundleMember")
    owner = BundleMember.objects.filter(case_id=OuterRef("pk")).values("bundle_case_id")[:1]
    Case.objects.filter(
        pk__in=BundleMember.objects.values("case_id"), part_of__isnull=True
    ).update(part_of=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("bundles", "0001_initial"),
        ("cases", "0007_case_part_of"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
