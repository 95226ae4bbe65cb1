"""Funding's settings come from the environment, strictly: S3 by variables, nonsense refused at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, belong.settings as s; "
    "print(json.dumps({'receipts': s.STORAGES['funding_receipts'], 'currency': s.FUNDING_CURRENCY}))"
)


def _settings(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SECRET_KEY": "x" * 60, **env}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_it_keeps_receipts_in_a_private_folder_by_default():
    result = _settings(FUNDING_RECEIPTS_STORAGE="local", PRIVATE_MEDIA_ROOT="/srv/receipts")
    receipts = json.loads(result.stdout)["receipts"]
    assert receipts["BACKEND"] == "funding.storage.PrivateFileSystemStorage"
    assert receipts["OPTIONS"]["location"] == "/srv/receipts"


def test_it_puts_receipts_in_s3_compatible_storage_by_environment():
    result = _settings(
        FUNDING_RECEIPTS_STORAGE="s3",
        FUNDING_S3_BUCKET="district-receipts",
        FUNDING_S3_ENDPOINT_URL="https://minio.district.example",
        FUNDING_S3_REGION="us-east-1",
        FUNDING_CURRENCY="cad",
    )
    settings = json.loads(result.stdout)
    receipts = settings["receipts"]
    assert receipts["BACKEND"] == "storages.backends.s3.S3Storage"
    assert receipts["OPTIONS"]["bucket_name"] == "district-receipts"
    assert receipts["OPTIONS"]["endpoint_url"] == "https://minio.district.example"
    assert receipts["OPTIONS"]["default_acl"] == "private" and receipts["OPTIONS"]["file_overwrite"] is False
    assert settings["currency"] == "CAD"


def test_it_refuses_nonsense_at_start_up():
    for env in (
        {"FUNDING_CURRENCY": "dollars"},
        {"FUNDING_RECEIPTS_STORAGE": "ftp"},
        {"FUNDING_RECEIPTS_STORAGE": "s3"},
        {"FUNDING_RECEIPT_MAX_BYTES": "ten"},
    ):
        result = _settings(**env)
        assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr, env
