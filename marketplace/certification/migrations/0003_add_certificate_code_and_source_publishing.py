from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema only: the code starts nullable; 0004 fills existing rows, 0005 makes it required."""

    dependencies = [
        ("certification", "0002_add_expiry_reminder"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="decision",
            options={
                "ordering": ["-date", "number"],
                "permissions": [("publish_decision_source", "Can publish a decision's source file")],
            },
        ),
        migrations.AddField(
            model_name="decision",
            name="source_published",
            field=models.BooleanField(default=False, verbose_name="source file published"),
        ),
        migrations.AddField(
            model_name="certification",
            name="code",
            field=models.CharField(max_length=8, null=True, unique=True, verbose_name="code"),
        ),
    ]
