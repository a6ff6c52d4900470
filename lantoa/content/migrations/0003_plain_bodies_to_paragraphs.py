"""Bodies saved before the editor kept paragraphs were plain text (typed in the textarea, blank
lines between paragraphs), which a browser shows as one run-on paragraph. They become ``<p>``
paragraphs (single line breaks ``<br>``), as ``lantoa.content.sanitize.text_to_html`` does for
new text. Bodies with any block element are HTML already and stay as they are. The rules are
copied here so that later changes to the sanitiser do not change what this migration did."""

import re

from django.db import migrations

BLOCK = re.compile(
    r"<(p|div|h[1-6]|ul|ol|li|blockquote|table|tr|td|th|pre|section|article|header|footer"
    r"|br|hr|figure|img)[\s/>]",
    re.IGNORECASE,
)
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")


def paragraphs(text):
    parts = PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + "<br>".join(line.strip() for line in p.strip().split("\n")) + "</p>"
        for p in parts
        if p.strip()
    )


def forwards(apps, schema_editor):
    for name in ("ContentItem", "ContentVersion"):
        model = apps.get_model("content", name)
        changed = []
        for row in model.objects.exclude(body="").only("pk", "body").iterator(chunk_size=500):
            if BLOCK.search(row.body) or not row.body.strip():
                continue
            row.body = paragraphs(row.body)
            changed.append(row)
            if len(changed) >= 500:
                model.objects.bulk_update(changed, ["body"])
                changed = []
        if changed:
            model.objects.bulk_update(changed, ["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0002_private_files"),
    ]

    # Backwards: the paragraphs stay (they show the same text, better).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
