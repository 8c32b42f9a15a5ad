"""Where the warehouse and the raw store live, and which engine runs the SQL.

Defaults are relative to the working directory; the environment variables
``BACKCOURT_WAREHOUSE``, ``BACKCOURT_RAW``, ``BACKCOURT_ENGINE`` and
``BACKCOURT_SPARK_MASTER`` override them, and command-line options override both.
BigQuery's project, location, endpoint (a local emulator's URL) and dataset prefix come
from the global options ``--bq-project``, ``--bq-location``, ``--bq-endpoint``,
``--bq-dataset-prefix`` or else from ``BACKCOURT_BQ_PROJECT``, ``BACKCOURT_BQ_LOCATION``,
``BACKCOURT_BQ_ENDPOINT`` and ``BACKCOURT_BQ_DATASET_PREFIX``; its datasets are named like
the schemas after the prefix, its scratch dataset is ``backcourt_scratch`` after it.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict

# for BigQuery, the local folder of the ledger beside the data (the data is in the project)
DEFAULT_WAREHOUSE = {"duckdb": "backcourt.duckdb", "spark": "backcourt_spark",
                     "bigquery": "backcourt_bigquery"}
DEFAULT_RAW = "raw"
DEFAULT_SPARK_MASTER = "local[*]"

Engine = Literal["duckdb", "spark", "bigquery"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    warehouse: str = DEFAULT_WAREHOUSE["duckdb"]
    raw: str = DEFAULT_RAW
    # no --raw and no BACKCOURT_RAW: the root the warehouse was filled from (``raw`` only
    # for a warehouse that never ran anything), so a command needs no --raw to find it
    raw_from_warehouse: bool = False
    seed: int | None = None   # the simulator's; None: the raw store's own (else 0)
    engine: Engine = "duckdb"
    spark_master: str = DEFAULT_SPARK_MASTER
    bq_project: str | None = None     # BigQuery: the project holding the datasets
    bq_location: str | None = None    # BigQuery: the jobs' location (US, EU, …)
    bq_endpoint: str | None = None    # BigQuery: another API server (a local emulator)
    bq_dataset_prefix: str | None = None   # BigQuery: before each dataset's name (dev_)


def load_settings(warehouse: str | None = None, raw: str | None = None,
                  seed: int | None = None, engine: str | None = None,
                  bq_project: str | None = None, bq_location: str | None = None,
                  bq_endpoint: str | None = None,
                  bq_dataset_prefix: str | None = None) -> Settings:
    """Options win over environment variables, which win over defaults."""
    engine = engine or os.environ.get("BACKCOURT_ENGINE") or "duckdb"
    if engine not in DEFAULT_WAREHOUSE:
        raise ValueError(f"unknown engine {engine!r}: choose duckdb, spark or bigquery")
    return Settings(
        warehouse=warehouse or os.environ.get("BACKCOURT_WAREHOUSE")
        or DEFAULT_WAREHOUSE[engine],
        raw=raw or os.environ.get("BACKCOURT_RAW") or DEFAULT_RAW,
        raw_from_warehouse=not (raw or os.environ.get("BACKCOURT_RAW")),
        seed=seed if seed is not None else (
            int(os.environ["BACKCOURT_SEED"]) if os.environ.get("BACKCOURT_SEED") else None),
        engine=engine,
        spark_master=os.environ.get("BACKCOURT_SPARK_MASTER") or DEFAULT_SPARK_MASTER,
        bq_project=bq_project or os.environ.get("BACKCOURT_BQ_PROJECT") or None,
        bq_location=bq_location or os.environ.get("BACKCOURT_BQ_LOCATION") or None,
        bq_endpoint=bq_endpoint or os.environ.get("BACKCOURT_BQ_ENDPOINT") or None,
        bq_dataset_prefix=bq_dataset_prefix or os.environ.get("BACKCOURT_BQ_DATASET_PREFIX")
        or None,
    )
