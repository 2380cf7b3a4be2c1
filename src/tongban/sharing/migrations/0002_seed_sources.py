from django.db import migrations

SOURCES = [
    ("population", "人口信息库", "公安机关（人口基础信息库）", "local"),
    ("enterprise", "市场主体登记库", "市场监督管理部门", "local"),
    ("education", "学历学位库", "教育部门（学历学位信息）", "local"),
    ("qualification", "职业资格库", "人力资源社会保障、卫生健康、教育等部门", "local"),
    ("social_insurance", "社会保险库", "人力资源社会保障部门", "local"),
    ("credit", "公共信用信息库", "发展改革部门（信用中国）", "local"),
    ("certificates", "电子证照库", "本平台", "certificate_library"),
]


def seed(apps, schema_editor):
    DataSource = apps.get_model("sharing", "DataSource")
    for code, name, holder, adapter in SOURCES:
        DataSource.objects.get_or_create(
            code=code, defaults={"name": name, "holder": holder, "adapter": adapter}
        )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
