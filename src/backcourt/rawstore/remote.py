"""An object-store raw root (``s3://bucket/raw``, ``gs://…``) is checked when opened: its
bucket exists and the credentials may read it. Otherwise the first write would create a
bucket by a mistyped name (s3fs makes missing buckets) or a run would fail file by file.

Endpoints and credentials come from the store's own client settings: for S3 the standard
``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``…
(botocore), or fsspec's ``FSSPEC_S3_ENDPOINT_URL``-style variables; for GCS,
``GOOGLE_APPLICATION_CREDENTIALS``.
"""

from __future__ import annotations

# filesystems whose first path component is a bucket (or container)
BUCKETED = {"s3", "s3a", "gs", "gcs", "abfs", "az", "adl"}


class RawRootUnreachable(ValueError):
    """The raw root's bucket is missing or not readable (a usage error: exit 2)."""


def check_bucket(fs, url: str, path: str) -> None:
    protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
    if not protocols & BUCKETED:
        return
    bucket = path.strip("/").split("/", 1)[0]
    try:
        fs.info(bucket)
    except FileNotFoundError:
        raise RawRootUnreachable(
            f"raw store {url}: bucket '{bucket}' does not exist (or is not visible to "
            "these credentials): create it, or fix --raw / BACKCOURT_RAW") from None
    except PermissionError as exc:
        raise RawRootUnreachable(
            f"raw store {url}: access to bucket '{bucket}' denied ({exc}): check the "
            "credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE for S3, "
            "GOOGLE_APPLICATION_CREDENTIALS for GCS)") from None
    except OSError as exc:
        raise RawRootUnreachable(
            f"raw store {url}: cannot reach bucket '{bucket}': {exc}") from None
    except Exception as exc:   # the client's own errors (botocore's connection errors…)
        if type(exc).__module__.split(".", 1)[0] in {"botocore", "aiobotocore",
                                                      "google", "aiohttp"}:
            raise RawRootUnreachable(
                f"raw store {url}: cannot reach bucket '{bucket}': {exc}") from None
        raise
