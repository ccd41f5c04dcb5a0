from django.db import migrations

AREAS = [
    ("budget", "Budget and revenue"),
    ("climate", "Climate and environment"),
    ("democracy", "Democracy and voting"),
    ("education", "Education"),
    ("federal-funding", "Federal funding"),
    ("health", "Public health"),
    ("home-rule", "Home rule and preemption"),
    ("housing", "Housing"),
    ("immigration", "Immigration"),
    ("public-safety", "Public safety"),
    ("transportation", "Transportation"),
    ("workers-rights", "Workers’ rights"),
]


def add_areas(apps, schema_editor):
    IssueArea = apps.get_model("modules", "IssueArea")
    for slug, name in AREAS:
        IssueArea.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("modules", "0001_initial")]
    operations = [migrations.RunPython(add_areas, migrations.RunPython.noop)]
