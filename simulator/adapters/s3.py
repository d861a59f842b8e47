"""The client buckets on the embedded S3."""
from __future__ import annotations

from typing import Any


class S3Files:
    def __init__(self, s3: Any) -> None:
        self._s3 = s3

    def create_bucket(self, client_id: str) -> str:
        name = f"bakkt-sandbox-{client_id}"
        self._s3.create_bucket(Bucket=name)
        return name

    def put(self, bucket: str, key: str, body: bytes) -> None:
        self._s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/csv")

    def delete_all(self) -> None:
        for bucket in self._s3.list_buckets().get("Buckets", []):
            name = bucket["Name"]
            if not name.startswith("bakkt-sandbox-"):
                continue
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for item in page.get("Contents", []):
                    self._s3.delete_object(Bucket=name, Key=item["Key"])
            self._s3.delete_bucket(Bucket=name)
