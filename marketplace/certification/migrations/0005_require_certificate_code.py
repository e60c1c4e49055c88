from django.db import migrations, models
from django.db.models import IntegerField, Value
from django.db.models.functions import Cast, Concat, Floor, Random, Substr

import marketplace.certification.codes

# Frozen copy of codes.database_certificate_code: rows inserted outside the ORM (raw SQL, COPY without the
# column) still get a code, drawn by random() in the INSERT.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _database_code():
    def one_character():
        position = Cast(Floor(Random() * len(ALPHABET)) + 1, output_field=IntegerField())
        return Substr(Value(ALPHABET), position, 1)

    return Concat(*(one_character() for _ in range(8)))


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_fill_certificate_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certification",
            name="code",
            field=models.CharField(
                default=marketplace.certification.codes.new_certificate_code,
                db_default=_database_code(),
                max_length=8,
                unique=True,
                verbose_name="code",
            ),
        ),
    ]
