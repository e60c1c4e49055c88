import secrets

from django.db import migrations

# Frozen copy of marketplace.certification.codes: a migration must not change when the app code does.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BATCH = 2000


def fill_codes(apps, schema_editor):
    Certification = apps.get_model("certification", "Certification")
    taken = set(Certification.objects.exclude(code=None).values_list("code", flat=True))
    while True:
        batch = list(Certification.objects.filter(code=None).order_by("pk")[:BATCH])
        if not batch:
            return
        for row in batch:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            while code in taken:
                code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            taken.add(code)
            row.code = code
        Certification.objects.bulk_update(batch, ["code"])


def clear_codes(apps, schema_editor):
    apps.get_model("certification", "Certification").objects.update(code=None)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0003_add_certificate_code_and_source_publishing"),
    ]

    operations = [migrations.RunPython(fill_codes, clear_codes)]
