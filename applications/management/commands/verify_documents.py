"""``manage.py verify_documents``: after a restore (or any time), check that every document's
file exists in storage (the documents volume, or the S3 bucket) and still has the SHA-256
recorded at upload."""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from applications.models import Document
from common.storage import StorageUnavailable, open_for_streaming

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Check that every uploaded document's file exists and matches its recorded SHA-256. "
        "Lists each problem; exits with status 1 if there is any."
    )

    def handle(self, *args, **options):
        try:
            self._verify()
        except StorageUnavailable as error:
            raise CommandError(f"The document store does not answer: {error.__cause__}") from None

    def _verify(self):
        checked = missing = changed = 0
        documents = Document.objects.only("pk", "file", "sha256", "application_id").order_by("pk")
        for document in documents.iterator(chunk_size=500):
            checked += 1
            storage, name = document.file.storage, document.file.name
            if not name or not storage.exists(name):
                missing += 1
                self.stdout.write(f"MISSING  document {document.pk} ({name})")
                continue
            digest = hashlib.sha256()
            file, _length = open_for_streaming(storage, name)
            try:
                while chunk := file.read(CHUNK):
                    digest.update(chunk)
            finally:
                file.close()
            if digest.hexdigest() != document.sha256:
                changed += 1
                self.stdout.write(f"CHANGED  document {document.pk} ({name})")
        summary = f"{checked} document(s) checked: {missing} missing, {changed} changed."
        if missing or changed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
