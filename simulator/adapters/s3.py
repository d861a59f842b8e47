"""The client buckets on the embedded S3.

Objects go up through boto3 like any client's would. A bucket the client
deleted (or a reset of the embedded AWS removed) is created again by the
next upload that needs it, and each object's LastModified is set to the
simulated instant of its upload: a client picking "today's file" by date
must see the sandbox's day, not the wall clock's.
"""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from simulator.adapters.naming import RESOURCE_PREFIX, bucket_name
from simulator.engine.clock import to_datetime


class S3Files:
    def __init__(self, s3: Any) -> None:
        self._s3 = s3

    def create_bucket(self, client_id: str) -> str:
        name = bucket_name(client_id)
        self._s3.create_bucket(Bucket=name)
        return name

    def put(self, bucket: str, key: str, body: bytes, modified_ns: int) -> None:
        try:
            self._put(bucket, key, body)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchBucket":
                raise
            self._s3.create_bucket(Bucket=bucket)
            self._put(bucket, key, body)
        stored = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].get_object(bucket, key)
        if stored is not None:
            stored.last_modified = to_datetime(modified_ns).replace(tzinfo=None)  # moto keeps naive UTC

    def _put(self, bucket: str, key: str, body: bytes) -> None:
        self._s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/csv")

    def delete_all(self) -> None:
        for bucket in self._s3.list_buckets().get("Buckets", []):
            name = bucket["Name"]
            if not name.startswith(RESOURCE_PREFIX):
                continue
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for item in page.get("Contents", []):
                    self._s3.delete_object(Bucket=name, Key=item["Key"])
            self._s3.delete_bucket(Bucket=name)
