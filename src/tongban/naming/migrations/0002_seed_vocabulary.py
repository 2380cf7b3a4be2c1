"""Load the default banned and restricted words and industry terms (tongban.naming.defaults)."""

from django.db import migrations

from tongban.naming import defaults


def seed(apps, schema_editor):
    BannedWord = apps.get_model("naming", "BannedWord")
    IndustryTerm = apps.get_model("naming", "IndustryTerm")
    for word, kind, reason in defaults.BANNED_WORDS:
        BannedWord.objects.get_or_create(word=word, defaults={"kind": kind, "reason": reason})
    for term, group_code, group_name in defaults.INDUSTRY_TERMS:
        IndustryTerm.objects.get_or_create(
            term=term, defaults={"group_code": group_code, "group_name": group_name}
        )


def unseed(apps, schema_editor):
    apps.get_model("naming", "BannedWord").objects.filter(
        word__in=[w for w, _k, _r in defaults.BANNED_WORDS]
    ).delete()
    apps.get_model("naming", "IndustryTerm").objects.filter(
        term__in=[t for t, _g, _n in defaults.INDUSTRY_TERMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("naming", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
