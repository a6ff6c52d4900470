"""Articles written before reviews were recorded count as reviewed the day they were
written (drafts excepted: they are reviewed when an officer checks them)."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Article = apps.get_model("kb", "Article")
    batch = []
    todo = Article.objects.filter(reviewed_on__isnull=True).exclude(status="draft")
    for article in todo.only("pk", "created_at").iterator(chunk_size=500):
        article.reviewed_on = timezone.localdate(article.created_at)
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_update(batch, ["reviewed_on"])
            batch = []
    Article.objects.bulk_update(batch, ["reviewed_on"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_legal_register")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
