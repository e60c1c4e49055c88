# Uploaded decision files: private storage, random names (issue 12).

import catalog_import.models
import marketplace.core.storage
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog_import', '0002_import_row_scans_and_previous_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importrun',
            name='upload',
            field=models.FileField(blank=True, storage=marketplace.core.storage.private_storage, upload_to=catalog_import.models.decision_upload_name),
        ),
    ]
