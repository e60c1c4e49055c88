from django.db import migrations, models

import marketplace.certification.codes


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
                max_length=8,
                unique=True,
                verbose_name="code",
            ),
        ),
    ]
