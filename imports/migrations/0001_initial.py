import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import circular_cities.text


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("programmes", "0006_translated_names_in_the_admin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("team", "Team members"), ("milestones", "Milestones"),
                                                   ("budget-lines", "Budget lines"), ("spending", "Spending")],
                                          max_length=20, verbose_name="kind")),
                ("file_name", models.CharField(max_length=200,
                                               validators=circular_cities.text.SINGLE_LINE, verbose_name="file")),
                ("rows_read", models.PositiveIntegerField(default=0, verbose_name="rows read")),
                ("rows_saved", models.PositiveIntegerField(default=0, verbose_name="rows saved")),
                ("rows_skipped", models.PositiveIntegerField(default=0, verbose_name="rows skipped")),
                ("token", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="imported")),
                ("imported_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL,
                                                  verbose_name="imported by")),
                ("participation", models.ForeignKey(blank=True, null=True,
                                                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                    to="programmes.participation", verbose_name="municipality")),
                ("programme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                to="programmes.programme", verbose_name="programme")),
            ],
            options={
                "verbose_name": "spreadsheet import",
                "verbose_name_plural": "spreadsheet imports",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["programme", "kind", "created_at"],
                                         name="imports_imp_program_177fed_idx")],
            },
        ),
    ]
