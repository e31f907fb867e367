"""Where uploaded files live: the local documents volume (``MEDIA_ROOT``, the default), or an
S3-compatible bucket when ``DOCUMENTS_S3_BUCKET`` is set (``mou_portal/settings.py``), so
that web containers on several hosts share the documents.

Either way files are private: nothing is served by a URL of the storage. Downloads go
through views that check permission first and then stream the bytes
(:func:`open_for_streaming`).

An object store that does not answer (unreachable endpoint, timeout, refused credentials,
missing bucket) raises :class:`StorageUnavailable`, so that callers answer "try again
later" (503, API code ``storage_unavailable``) instead of a 500.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import Storage
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name

STREAM_CHUNK = 64 * 1024


class StorageUnavailable(Exception):
    """The document store does not answer; the action can be tried again later."""

    code = "storage_unavailable"
    status = 503
    message = _(
        "The document store is not answering at the moment, so the file could not be "
        "stored or read. Nothing else was changed: try again in a few minutes."
    )

    def __str__(self) -> str:
        return str(self.message)


@contextmanager
def _unavailable_on_errors():
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        # A missing key is handled by S3Storage itself (FileNotFoundError / False); what
        # reaches here is the store failing: connection, timeout, credentials, bucket.
        raise StorageUnavailable from error


def _guarded(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _unavailable_on_errors():
            return method(*args, **kwargs)

    return wrapper


class _GuardedS3File(S3File):
    """django-storages' file, whose body is fetched on first read: a store failing then
    is :class:`StorageUnavailable` too."""

    def _get_file(self):
        try:
            with _unavailable_on_errors():
                return super()._get_file()
        except StorageUnavailable:
            if self._file is not None:  # the empty temporary copy
                self._file.close()
                self._file = None
            raise

    file = property(_get_file, S3File._set_file)


class DocumentS3Storage(S3Storage):
    """django-storages' S3 backend with short timeouts, few retries, private objects, and
    its failures as :class:`StorageUnavailable`.

    Extra options (``STORAGES["default"]["OPTIONS"]``): ``connect_timeout`` and
    ``read_timeout`` in seconds. Credentials come from the usual AWS variables
    (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``) or the host's role.
    """

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "connect_timeout": 3.0,
            "read_timeout": 20.0,
            # Objects are private (the bucket's policy); never public-read.
            "default_acl": None,
            "querystring_auth": True,
            # Names are unguessable and unique (``document_upload_to``): no existence check.
            "file_overwrite": True,
            # A file read back (blind copies, checks) spills to disk past this size.
            "max_memory_size": 2 * 1024 * 1024,
        }

    def __init__(self, **settings):
        super().__init__(**settings)
        # An upload request must not hang on a store that vanished: short timeouts and
        # at most one retry, then StorageUnavailable.
        self.client_config = Config(
            s3={"addressing_style": self.addressing_style or "auto"},
            signature_version=self.signature_version,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries={"total_max_attempts": 2, "mode": "standard"},
        )

    def _open(self, name, mode="rb"):
        key = self._normalize_name(clean_name(name))
        with _unavailable_on_errors():
            try:
                return _GuardedS3File(key, mode, self)
            except ClientError as error:
                if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                    raise FileNotFoundError(f"File does not exist: {name}") from error
                raise

    _save = _guarded(S3Storage._save)
    delete = _guarded(S3Storage.delete)
    exists = _guarded(S3Storage.exists)
    size = _guarded(S3Storage.size)
    listdir = _guarded(S3Storage.listdir)

    @_guarded
    def open_stream(self, name: str):
        """The object's body as a file-like object read straight from the store, without
        a temporary copy, and its length."""
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        return _ClosingBody(answer["Body"]), answer["ContentLength"]


class _ClosingBody:
    """botocore's streaming body as ``FileResponse`` reads it: ``read`` in blocks, then
    ``close``; a broken connection mid-body is the store failing."""

    def __init__(self, body):
        self._body = body

    def read(self, size: int = -1) -> bytes:
        with _unavailable_on_errors():
            return self._body.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        self._body.close()


def open_for_streaming(storage: Storage, name: str) -> tuple[object, int | None]:
    """A stored file opened for a response body, and its length when known: read from the
    object store as it is sent, or the local file."""
    open_stream = getattr(storage, "open_stream", None)
    if open_stream is not None:
        return open_stream(name)
    file: File = storage.open(name, "rb")
    return file, None
