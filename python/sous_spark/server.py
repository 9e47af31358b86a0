"""One local SparkSession, one JSON request per stdin line, one JSON response per stdout line.

Request:  {"id": 1, "sql": "SELECT 5 DIV 2", "conf": {"spark.sql.ansi.enabled": "false"}}
Response: {"id": 1, "ok": true, "columns": [{"name": "(5 div 2)", "type": "bigint"}], "rows": [[2]]}
      or  {"id": 1, "ok": false, "errorClass": "CAST_INVALID_INPUT", "message": "..."}

The first line is {"ready": true, "spark": "4.0.1", "startupMs": ...}. `conf` holds the session
settings of that request; settings of earlier requests that it does not name are unset again.
Values are JSON-safe: NaN and +-Infinity as strings, decimals as strings, dates and timestamps
ISO 8601 (timestamps in UTC), binary as base64, arrays as lists, maps and structs as objects.
"""

import base64
import datetime
import decimal
import json
import math
import os
import sys
import time


def spark_session():
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("sous-spark-local")
        .config("spark.driver.memory", os.environ.get("SOUS_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", os.environ.get("SOUS_SPARK_WAREHOUSE", "/tmp/sous-spark-warehouse"))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return str(v)
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if hasattr(v, "asDict"):  # a struct (Row)
        return {k: json_value(x) for k, x in v.asDict().items()}
    if isinstance(v, dict):
        return {str(json_value(k)): json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    return str(v)


def error_response(e):
    cls = None
    for name in ("getCondition", "getErrorClass"):
        if cls is None and hasattr(e, name):
            try:
                cls = getattr(e, name)()
            except Exception:  # noqa: BLE001 - older errors have no condition
                cls = None
    message = str(e).split("\n\nJVM stacktrace:")[0]
    return {"ok": False, "errorClass": cls or type(e).__name__, "message": message}


class Server:
    def __init__(self, spark):
        self.spark = spark
        self.conf_set = set()

    def apply_conf(self, conf):
        for key in self.conf_set - set(conf):
            self.spark.conf.unset(key)
        for key, value in conf.items():
            self.spark.conf.set(key, str(value))
        self.conf_set = set(conf)

    def handle(self, request):
        try:
            self.apply_conf(request.get("conf") or {})
            df = self.spark.sql(request["sql"])
            limit = request.get("maxRows")
            rows = df.limit(limit).collect() if limit is not None else df.collect()
            columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in df.schema.fields]
            return {"ok": True, "columns": columns, "rows": [[json_value(v) for v in r] for r in rows]}
        except Exception as e:  # noqa: BLE001 - every error goes back to the caller
            return error_response(e)


def main():
    # stdout carries the protocol only: whatever else writes to fd 1 (the JVM) goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    os.environ["TZ"] = "UTC"
    time.tzset()
    started = time.monotonic()
    spark = spark_session()
    server = Server(spark)
    ready = {"ready": True, "spark": spark.version, "startupMs": round((time.monotonic() - started) * 1000)}
    out.write(json.dumps(ready) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            response = {"ok": False, "errorClass": "BAD_REQUEST", "message": str(e)}
        else:
            response = {"id": request.get("id"), **server.handle(request)}
        out.write(json.dumps(response, allow_nan=False, ensure_ascii=False) + "\n")
        out.flush()
    spark.stop()


if __name__ == "__main__":
    main()
