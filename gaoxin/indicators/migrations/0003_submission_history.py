"""The submission log becomes a hash-chained history (core.audit): each event gets its place (seq), a payload,
its previous event's hash and its own; each submission the head and the count. Existing events are chained in
the order they were written."""

import hashlib
import json
from decimal import Decimal

from django.db import migrations, models


def _text(value):
    return None if value is None else format(value.quantize(Decimal("0.0001")), "f")


def chain_existing(apps, schema_editor):
    from gaoxin.core.audit import utc_text

    Submission = apps.get_model("indicators", "Submission")
    SubmissionEvent = apps.get_model("indicators", "SubmissionEvent")
    for submission in Submission.objects.order_by("pk").iterator():
        prev, seq = "", 0
        for event in SubmissionEvent.objects.filter(submission_id=submission.pk).order_by("at", "pk"):
            seq += 1
            content = {"submission": submission.pk, "seq": seq, "actor": event.actor_id, "at": utc_text(event.at),
                       "note": event.note, "payload": {}, "prev": prev, "action": event.action,
                       "from": event.from_status, "to": event.to_status, "value_before": _text(event.value_before),
                       "value_after": _text(event.value_after)}
            digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True,
                                               separators=(",", ":")).encode()).hexdigest()
            # The historical model has no append-only guard: the rows are updated once, here.
            SubmissionEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev, hash=digest)
            prev = digest
        Submission.objects.filter(pk=submission.pk).update(audit_head=prev, event_count=seq)


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0002_catalog"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="audit_head",
            field=models.CharField(blank=True, max_length=64, verbose_name="审计链头"),
        ),
        migrations.AddField(
            model_name="submission",
            name="event_count",
            field=models.PositiveIntegerField(default=0, verbose_name="事件数"),
        ),
        migrations.AddField(
            model_name="submissionevent",
            name="seq",
            field=models.PositiveIntegerField(default=0, verbose_name="序号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="submissionevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="数据"),
        ),
        migrations.AddField(
            model_name="submissionevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="submissionevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="submissionevent",
            options={"ordering": ["submission_id", "seq"], "verbose_name": "填报日志", "verbose_name_plural": "填报日志"},
        ),
        migrations.AddConstraint(
            model_name="submissionevent",
            constraint=models.UniqueConstraint(fields=("submission", "seq"), name="submission_event_unique_seq"),
        ),
    ]
