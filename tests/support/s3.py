"""A real S3 endpoint for the tests: moto's standalone server (``moto.server``, the code
behind the ``moto_server`` command) on a free local port, answering over HTTP like any
S3-compatible store. The portal talks to it through django-storages and boto3 exactly as
to a production bucket."""

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
# moto accepts any credentials; the portal reads them from the usual AWS variables.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}


@contextmanager
def s3_server() -> Iterator[str]:
    """Start the server on a free port; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def unreachable_endpoint() -> str:
    """An endpoint where nothing listens (the store is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def new_bucket(endpoint: str) -> str:
    name = f"portal-{uuid.uuid4().hex[:16]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def storage_setting(endpoint: str, bucket: str, prefix: str = "") -> dict:
    """``STORAGES["default"]`` as ``mou_portal/settings.py`` builds it from DOCUMENTS_S3_*."""
    return {
        "BACKEND": "common.storage.DocumentS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "location": prefix,
            "addressing_style": "path",
            "connect_timeout": 2.0,
            "read_timeout": 5.0,
        },
    }


def objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    """Every object in the bucket: key → bytes."""
    s3 = client(endpoint)
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }
