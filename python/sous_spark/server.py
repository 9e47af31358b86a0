"""One local SparkSession, spoken to in JSON lines: one request per line, one response per line.

Plain requests (the conformance suite's) run one after the other on one session:

Request:  {"id": 1, "sql": "SELECT 5 DIV 2", "conf": {"spark.sql.ansi.enabled": "false"}}
Response: {"id": 1, "ok": true, "columns": [{"name": "(5 div 2)", "type": "bigint"}], "rows": [[2]]}
      or  {"id": 1, "ok": false, "errorClass": "CAST_INVALID_INPUT", "sqlState": "22018", "message": "..."}

`conf` holds the session settings of that request; settings of earlier requests that it does not
name are unset again.

Requests with an "op" run each in a thread of its own, so a statement can be cancelled while it
runs and several sessions work at once (the Databricks emulator's clusters and Thrift sessions):

  {"id", "op": "session.open", "session": "s1", "conf": {...}}   an isolated spark.newSession()
  {"id", "op": "session.close", "session": "s1"}
  {"id", "op": "sql", "session": "s1", "sql": "...", "tag": "t1", "maxRows": null, "render": null}
        ("render": "thrift" gives timestamps as Spark's Thrift server prints them, in the session
        time zone, and bigints beyond 2^53 as strings)
  {"id", "op": "python", "session": "s1", "file": "/x/train.py", "args": [...], "tag": "r1"}
        -> {"ok": true, "logs": "..."} or {"ok": false, "errorClass", "message", "trace", "logs"}
  {"id", "op": "context.open", "session": "s1", "context": "c1"}  a Python namespace with `spark` bound to s1
  {"id", "op": "context.close", "context": "c1"}
  {"id", "op": "command", "context": "c1", "language": "python"|"sql", "command": "...", "tag": "t2",
   "maxRows": 1000}
        (the Command Execution API's commands) -> {"ok": true, "resultType": "text", "data": "..."} or
        {"ok": true, "resultType": "table", "columns", "rows", "truncated"} or {"ok": false, "errorClass",
        "message", "trace", "logs"}; python code runs in the context's namespace (state kept between
        commands), printing into the result, its last expression's value shown as in a notebook
  {"id", "op": "cancel", "tag": "t1"}                            interrupts what runs under the tag (a job group)
  {"id", "op": "ping"}

Sessions belong to the connection that opened them and close with it. The first line is
{"ready": true, "spark": "4.0.1", "startupMs": ...}. With `--listen <unix socket>` the server
serves every client that connects (emulators of several test files share one JVM) and exits
after `--idle-exit-s` seconds without any client; otherwise it serves stdin/stdout.

Values are JSON-safe: NaN and +-Infinity as strings, decimals as strings, dates and timestamps
ISO 8601 (timestamps in UTC), binary as base64, arrays as lists, maps and structs as objects.
"""

import argparse
import base64
import ctypes
import datetime
import decimal
import io
import json
import math
import os
import runpy
import socket
import sys
import threading
import time
import traceback

# The dbfs: scheme is a Hadoop view file system whose mount table each session carries in its
# own settings (the emulator's mounts), so `parquet.\`dbfs:/mnt/x\`` and spark.read.parquet()
# of a Python task see the mount's local folder and nothing else; no cache, since two sessions
# may hold different tables.
DBFS_CONF = {
    "spark.hadoop.fs.dbfs.impl": "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme",
    "spark.hadoop.fs.dbfs.impl.disable.cache": "true",
}

LOG_LIMIT = 5 * 1024 * 1024  # what Databricks keeps of a run's output


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
    for key, value in DBFS_CONF.items():
        builder = builder.config(key, value)
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
    sql_state = None
    if hasattr(e, "getSqlState"):
        try:
            sql_state = e.getSqlState()
        except Exception:  # noqa: BLE001 - not every error carries one
            sql_state = None
    message = str(e).split("\n\nJVM stacktrace:")[0]
    out = {"ok": False, "errorClass": cls or type(e).__name__, "message": message}
    if sql_state:
        out["sqlState"] = sql_state
    return out


def hive_timestamp(v):
    """A timestamp as Spark's Thrift server prints it: `2024-01-02 03:04:05.5`, no zone."""
    text = f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}"
    return text + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "")


def thrift_renderers(session, fields):
    """Per column, how the Databricks emulator's Thrift results want a value (see run_sql)."""
    from zoneinfo import ZoneInfo

    from pyspark.sql.types import LongType, TimestampNTZType, TimestampType

    zone = ZoneInfo(session.conf.get("spark.sql.session.timeZone") or "UTC")
    utc = datetime.timezone.utc

    def render(field):
        if isinstance(field.dataType, TimestampType):
            # collect() gives wall-clock time of this process (UTC): the session zone renders it.
            return lambda v: None if v is None else hive_timestamp(v.replace(tzinfo=utc).astimezone(zone))
        if isinstance(field.dataType, TimestampNTZType):
            return lambda v: None if v is None else hive_timestamp(v)
        if isinstance(field.dataType, LongType):
            # Beyond 2^53 a JSON number loses digits in JavaScript: such values travel as text.
            return lambda v: str(v) if v is not None and abs(v) > 2**53 else v
        return json_value

    return [render(f) for f in fields]


def table_result(df, limit):
    """A DataFrame as the Command Execution API's table result (the first `limit` rows)."""
    rows = df.limit(limit + 1).collect()
    fields = df.schema.fields
    return {
        "ok": True,
        "resultType": "table",
        "columns": [{"name": f.name, "type": f.dataType.simpleString(), "json": f.dataType.json()} for f in fields],
        "rows": [[json_value(v) for v in r] for r in rows[:limit]],
        "truncated": len(rows) > limit,
    }


def run_sql(session, sql, limit, render=None):
    df = session.sql(sql)
    rows = df.limit(limit).collect() if limit is not None else df.collect()
    fields = df.schema.fields
    columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in fields]
    renderers = thrift_renderers(session, fields) if render == "thrift" else [json_value] * len(fields)
    return {"ok": True, "columns": columns, "rows": [[fn(v) for fn, v in zip(renderers, r)] for r in rows]}


class RunCancelled(BaseException):
    """Raised inside a Python task's thread when its run is cancelled."""


class ThreadStreams(io.TextIOBase):
    """sys.stdout/sys.stderr: a Python task's thread writes to its own buffer, others pass through."""

    def __init__(self, fallback):
        self.fallback = fallback
        self.local = threading.local()

    def write(self, s):
        buf = getattr(self.local, "buf", None)
        if buf is None:
            return self.fallback.write(s)
        if buf.tell() < LOG_LIMIT:
            buf.write(s)
        return len(s)

    def flush(self):
        if getattr(self.local, "buf", None) is None:
            self.fallback.flush()


_streams = None
_run_sessions = threading.local()
_argv_lock = threading.Lock()


def install_task_hooks():
    """Python tasks print into their run's log and get the cluster's session from getOrCreate()."""
    global _streams
    from pyspark.sql import SparkSession

    _streams = ThreadStreams(sys.stdout)
    sys.stdout = _streams
    sys.stderr = ThreadStreams(sys.stderr)
    original = SparkSession.Builder.getOrCreate

    def get_or_create(self):
        session = getattr(_run_sessions, "session", None)
        return session if session is not None else original(self)

    SparkSession.Builder.getOrCreate = get_or_create


class Running:
    def __init__(self, session, thread, python):
        self.session = session
        self.thread = thread
        self.python = python
        self.cancelled = False


class Server:
    def __init__(self, spark):
        self.spark = spark
        self.lock = threading.Lock()
        self.running = {}  # tag -> Running

    # -- sessions -------------------------------------------------------------------------
    def new_session(self, conf):
        session = self.spark.newSession()
        for key, value in (conf or {}).items():
            session.conf.set(key, str(value))
        return session

    # -- operations run in threads ----------------------------------------------------------
    def start(self, conn, request):
        op = request.get("op")
        rid = request.get("id")
        tag = request.get("tag")
        if op == "ping":
            return conn.send({"id": rid, "ok": True})
        if op == "cancel":
            return conn.send({"id": rid, "ok": True, "found": self.cancel(tag)})
        if op == "session.open":
            try:
                conn.sessions[request["session"]] = self.new_session(request.get("conf"))
                return conn.send({"id": rid, "ok": True})
            except Exception as e:  # noqa: BLE001 - a bad setting goes back to the caller
                return conn.send({"id": rid, **error_response(e)})
        if op == "session.close":
            conn.sessions.pop(request.get("session"), None)
            return conn.send({"id": rid, "ok": True})
        if op == "context.open":
            session = conn.sessions.get(request.get("session"))
            if session is None:
                return conn.send({"id": rid, "ok": False, "errorClass": "BAD_REQUEST", "message": "no such session"})
            conn.contexts[request["context"]] = Context(session)
            return conn.send({"id": rid, "ok": True})
        if op == "context.close":
            conn.contexts.pop(request.get("context"), None)
            return conn.send({"id": rid, "ok": True})
        if op == "command":
            context = conn.contexts.get(request.get("context"))
            if context is None:
                return conn.send({"id": rid, "ok": False, "errorClass": "BAD_REQUEST", "message": "no such context"})
            thread = threading.Thread(target=self.work, args=(conn, request, context.session, context), daemon=True)
            if tag:
                with self.lock:
                    self.running[tag] = Running(context.session, thread, request.get("language") == "python")
            thread.start()
            return None
        if op not in ("sql", "python"):
            return conn.send({"id": rid, "ok": False, "errorClass": "BAD_REQUEST", "message": f"unknown op {op!r}"})
        session = conn.sessions.get(request.get("session"))
        if session is None:
            return conn.send(
                {"id": rid, "ok": False, "errorClass": "BAD_REQUEST", "message": "no such session"}
            )
        thread = threading.Thread(target=self.work, args=(conn, request, session), daemon=True)
        if tag:
            with self.lock:
                self.running[tag] = Running(session, thread, op == "python")
        thread.start()

    def work(self, conn, request, session, context=None):
        tag = request.get("tag")
        running = None
        cancelled = {"ok": False, "errorClass": "CANCELLED", "message": "The operation was cancelled"}
        try:
            try:
                if tag:
                    # A job group (thread-local in the JVM, which py4j pins to this thread):
                    # cancelJobGroup interrupts its running jobs. Session tags would not: their
                    # interruptTag() only reaches Spark Connect's operations.
                    session.sparkContext.setJobGroup(tag, tag, interruptOnCancel=True)
                if request["op"] == "sql":
                    response = run_sql(session, request["sql"], request.get("maxRows"), request.get("render"))
                elif request["op"] == "command":
                    response = context.run(request)
                else:
                    response = self.run_python(session, request)
            except RunCancelled:
                response = cancelled
            except Exception as e:  # noqa: BLE001 - every error goes back to the caller
                response = error_response(e)
            finally:
                # Once done, cancel() no longer raises into this thread (see cancel()).
                if tag:
                    with self.lock:
                        running = self.running.pop(tag, None)
        except RunCancelled:  # delivered while leaving the block above
            response = cancelled
        if tag:
            try:
                session.sparkContext.setLocalProperty("spark.jobGroup.id", None)
            except Exception:  # noqa: BLE001 - the JVM may be going away
                pass
        if running is not None and running.cancelled:
            # Whatever the interrupted code raised or returned, the caller asked for this.
            response = {**cancelled, **({"logs": response["logs"]} if "logs" in response else {})}
        conn.send({"id": request.get("id"), **response})

    def run_python(self, session, request):
        buf = io.StringIO()
        _streams.local.buf = buf
        sys.stderr.local.buf = buf
        _run_sessions.session = session
        # The JVM's active session is per thread too: DataFrame code that asks for it gets this one.
        session._jvm.SparkSession.setActiveSession(session._jsparkSession)
        path = request["file"]
        try:
            with _argv_lock:
                sys.argv = [path, *[str(a) for a in request.get("args") or []]]
            try:
                runpy.run_path(path, run_name="__main__")
            except SystemExit as e:
                if e.code not in (None, 0):
                    raise RuntimeError(f"The script exited with code {e.code}") from e
            return {"ok": True, "logs": buf.getvalue()}
        except RunCancelled:
            raise
        except Exception as e:  # noqa: BLE001 - the run failed: its output and trace go back
            out = error_response(e)
            out["trace"] = "".join(traceback.format_exception(e)).split("\n\nJVM stacktrace:")[0]
            out["logs"] = buf.getvalue()
            return out
        finally:
            _streams.local.buf = None
            sys.stderr.local.buf = None
            _run_sessions.session = None

    def cancel(self, tag):
        with self.lock:
            running = self.running.get(tag)
            if running is None:
                return False
            running.cancelled = True
            if running.python:
                # Python code between Spark jobs (a training loop) stops at its next bytecode;
                # under the lock, so never after work() has left its guarded block.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(running.thread.ident), ctypes.py_object(RunCancelled)
                )
        # A cancel that lands before the statement started its job (while Spark analyses it)
        # would cancel nothing: it is repeated until the work has stopped.
        def keep_cancelling():
            while True:
                try:
                    running.session.sparkContext.cancelJobGroup(tag)
                except Exception:  # noqa: BLE001 - the JVM may be going away
                    return
                running.thread.join(0.2)
                if not running.thread.is_alive():
                    return

        threading.Thread(target=keep_cancelling, daemon=True).start()
        return True


class Context:
    """An execution context of the Command Execution API: one namespace, its state kept between
    commands, `spark` (and `sc`, `display`) bound to its session; one command at a time, as on a
    cluster."""

    def __init__(self, session):
        self.session = session
        self.lock = threading.Lock()
        self.shown = []
        self.namespace = {
            "__name__": "__main__",
            "__builtins__": __builtins__,
            "spark": session,
            "sc": session.sparkContext,
            "display": self.shown.append,
        }

    def run(self, request):
        limit = int(request.get("maxRows") or 1000)
        with self.lock:
            if request.get("language") == "sql":
                return table_result(self.session.sql(request["command"]), limit)
            return self.run_python(request["command"], limit)

    def run_python(self, code, limit):
        import ast

        from pyspark.sql import DataFrame

        buf = io.StringIO()
        _streams.local.buf = buf
        sys.stderr.local.buf = buf
        _run_sessions.session = self.session
        self.session._jvm.SparkSession.setActiveSession(self.session._jsparkSession)
        self.shown.clear()
        try:
            tree = ast.parse(code, "<command>", "exec")
            last = None
            # The last expression's value is the command's result, as a notebook cell shows it.
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<command>", "exec"), self.namespace)
            value = eval(compile(last, "<command>", "eval"), self.namespace) if last is not None else None
            shown = self.shown[-1] if self.shown else value
            if isinstance(shown, DataFrame):
                return table_result(shown, limit)
            text = buf.getvalue()
            if value is not None:
                text += repr(value)
            return {"ok": True, "resultType": "text", "data": text}
        except RunCancelled:
            raise
        except Exception as e:  # noqa: BLE001 - the command failed: its output and cause go back
            out = error_response(e)
            out["trace"] = "".join(traceback.format_exception(e)).split("\n\nJVM stacktrace:")[0]
            out["logs"] = buf.getvalue()
            return out
        finally:
            _streams.local.buf = None
            sys.stderr.local.buf = None
            _run_sessions.session = None


class Connection:
    def __init__(self, server, write, default_session):
        self.server = server
        self._write = write
        self.write_lock = threading.Lock()
        self.sessions = {}
        self.contexts = {}
        self.default = default_session
        self.conf_set = set()

    def send(self, obj):
        line = json.dumps(obj, allow_nan=False, ensure_ascii=False) + "\n"
        with self.write_lock:
            self._write(line)

    def apply_conf(self, conf):
        for key in self.conf_set - set(conf):
            self.default.conf.unset(key)
        for key, value in conf.items():
            self.default.conf.set(key, str(value))
        self.conf_set = set(conf)

    def handle_plain(self, request):
        try:
            self.apply_conf(request.get("conf") or {})
            response = run_sql(self.default, request["sql"], request.get("maxRows"))
        except Exception as e:  # noqa: BLE001 - every error goes back to the caller
            response = error_response(e)
        self.send({"id": request.get("id"), **response})

    def serve(self, lines):
        """Reads requests until the stream ends. Plain ones run in order, on a lane of their own."""
        plain = []
        plain_ready = threading.Condition()
        done = [False]

        def lane():
            while True:
                with plain_ready:
                    while not plain and not done[0]:
                        plain_ready.wait()
                    if not plain:
                        return
                    request = plain.pop(0)
                self.handle_plain(request)

        lane_thread = threading.Thread(target=lane, daemon=True)
        lane_thread.start()
        for line in lines:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as e:
                self.send({"ok": False, "errorClass": "BAD_REQUEST", "message": str(e)})
                continue
            if request.get("op") == "shutdown":
                self.send({"id": request.get("id"), "ok": True})
                return "shutdown"
            if "op" in request:
                self.server.start(self, request)
            else:
                with plain_ready:
                    plain.append(request)
                    plain_ready.notify()
        with plain_ready:
            done[0] = True
            plain_ready.notify()
        lane_thread.join()
        return "eof"

    def close(self):
        for tag, running in list(self.server.running.items()):
            if any(running.session is s for s in self.sessions.values()):
                self.server.cancel(tag)
        self.sessions.clear()
        self.contexts.clear()


def serve_socket(server, path, idle_exit_s, ready):
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    clients = [0]
    count_lock = threading.Lock()
    last_seen = [time.monotonic()]
    stop = threading.Event()

    def client(sock):
        reader = sock.makefile("r", encoding="utf-8")
        writer = sock.makefile("w", encoding="utf-8")

        def write(line):
            writer.write(line)
            writer.flush()

        conn = Connection(server, write, server.spark.newSession())
        try:
            write(json.dumps(ready) + "\n")
            if conn.serve(reader) == "shutdown":
                stop.set()
        except OSError:
            pass
        finally:
            conn.close()
            with count_lock:
                clients[0] -= 1
                last_seen[0] = time.monotonic()
            # The file objects hold the socket open: all of them go, so the client sees it close.
            for f in (reader, writer):
                try:
                    f.close()
                except OSError:
                    pass
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def watchdog():
        while not stop.wait(1):
            with count_lock:
                if clients[0] == 0 and time.monotonic() - last_seen[0] > idle_exit_s:
                    stop.set()
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()

    threading.Thread(target=watchdog, daemon=True).start()
    while not stop.is_set():
        try:
            sock, _ = listener.accept()
        except OSError:
            break
        # Counted here, before its thread runs, and under the watchdog's lock: a client accepted
        # at the end of an idle period is never left talking to a process that is going away.
        with count_lock:
            if stop.is_set():
                sock.close()
                break
            clients[0] += 1
        threading.Thread(target=client, args=(sock,), daemon=True).start()
    if os.path.exists(path):
        os.unlink(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", help="serve this unix socket instead of stdin/stdout")
    parser.add_argument("--idle-exit-s", type=float, default=120.0)
    args = parser.parse_args()
    # stdout carries the protocol only: whatever else writes to fd 1 (the JVM) goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    os.environ["TZ"] = "UTC"
    time.tzset()
    started = time.monotonic()
    spark = spark_session()
    install_task_hooks()
    server = Server(spark)
    ready = {"ready": True, "spark": spark.version, "startupMs": round((time.monotonic() - started) * 1000)}
    if args.listen:
        serve_socket(server, args.listen, args.idle_exit_s, ready)
    else:

        def write(line):
            out.write(line)
            out.flush()

        write(json.dumps(ready) + "\n")
        conn = Connection(server, write, spark)
        conn.serve(sys.stdin)
        conn.close()
    spark.stop()


if __name__ == "__main__":
    main()
