"""Sous from a Python notebook's kernel (issue #17).

    import sous
    orders = sous.dataset("orders").to_pandas()
    sous.write_dataset("scored", orders)

The studio starts each kernel with SOUS_URL, SOUS_PROJECT_ID and SOUS_KERNEL_TOKEN in its
environment: the token is the notebook user's own (it stops working when the kernel stops), so a
kernel reads and writes what that user may in the project, and nothing more. Reads open the
dataset's current stored Parquet directly (the studio only says where it is); writes go through
the studio's upload path, so every write is a new version of the dataset in the Flow.
"""

from __future__ import annotations

import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

__all__ = ["Dataset", "SousError", "dataset", "datasets", "write_dataset"]


class SousError(Exception):
    """The studio refused a request (the message says why)."""


def _settings() -> tuple[str, str, str]:
    try:
        return os.environ["SOUS_URL"].rstrip("/"), os.environ["SOUS_PROJECT_ID"], os.environ["SOUS_KERNEL_TOKEN"]
    except KeyError as e:
        raise SousError(
            f"{e.args[0]} is not set: the sous package works in a Python notebook's kernel started by Sous"
        ) from None


def _call(method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> Any:
    url, _, token = _settings()
    req = urllib.request.Request(f"{url}/api/v1{path}", data=body, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            message = json.loads(text)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = text[:500]
        raise SousError(f"{message} (HTTP {e.code})") from None


def _project() -> str:
    return urllib.parse.quote(_settings()[1], safe="")


@dataclass(frozen=True)
class Dataset:
    """A dataset of the notebook's project, at its current version."""

    id: str
    name: str
    version_id: str
    files: tuple[str, ...]

    def to_arrow(self):
        import pyarrow.parquet as pq

        return pq.ParquetDataset(list(self.files)).read()

    def to_pandas(self):
        return self.to_arrow().to_pandas()


def dataset(name: str) -> Dataset:
    """The dataset `name` of the project: where its current version's Parquet files are."""
    d = _call("GET", f"/projects/{_project()}/python-notebooks/datasets/{urllib.parse.quote(name, safe='')}")
    return Dataset(id=d["datasetId"], name=d["name"], version_id=d["versionId"], files=tuple(d["files"]))


def datasets() -> list[str]:
    """The names of the project's datasets."""
    return [d["name"] for d in _call("GET", f"/projects/{_project()}/datasets")]


def write_dataset(name: str, df: Any) -> dict:
    """Writes a pandas DataFrame (or a pyarrow Table) as the next version of dataset `name` of the
    project, creating it when there is none. Returns the studio's answer (id, name, version, rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    body = buf.getvalue()
    existing = next((d for d in _call("GET", f"/projects/{_project()}/datasets") if d["name"] == name), None)
    parquet = "application/vnd.apache.parquet"
    if existing is None:
        path = f"/projects/{_project()}/datasets?name={urllib.parse.quote(name, safe='')}"
    else:
        path = f"/projects/{_project()}/datasets/{existing['id']}/versions?fileName={urllib.parse.quote(name, safe='')}.parquet"
    return _call("POST", path, body, parquet)
