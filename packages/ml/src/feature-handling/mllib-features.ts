// The MLlib script's half of the extra feature handlings (schemas.ts has their semantics):
// Python functions mllibTrainScript puts before its train(). fit_extra fits an ordinal, target
// or date feature on the training rows with Spark aggregates (the same statistics as
// python/sous_ml/features.py); extra_columns applies the fitted entry as SQL (the same
// expressions as the compiler's scoring SQL, so the portable form repeats the PipelineModel).
// It uses the script's helpers (ident, text_sql, double_literal, text_literal, F, P, LABEL).

// biome-ignore lint/complexity/noUselessStringRaw: Python source; a backslash added to it must reach Python as written
export const MLLIB_FEATURES_PY = String.raw`
ORDINAL_UNSEEN = -1.0
DEFAULT_TARGET_SMOOTHING = 10.0
# The target's classes in label order (set by train() once the labels are known).
TARGET_CLASSES = []
DATE_TYPES = ("date", "timestamp", "timestamp_ntz")


def date_millis_sql(name, t):
    """Epoch milliseconds of a date or timestamp, as a BIGINT, whatever the session time zone."""
    c = ident(name)
    if t == "date":
        return f"(CAST(unix_date({c}) AS BIGINT) * 86400000)"
    if t == "timestamp_ntz":
        # A naive timestamp is UTC: its fields, not the session's zone.
        return (
            f"(CAST(unix_date(CAST({c} AS DATE)) AS BIGINT) * 86400000 + CAST(hour({c}) AS BIGINT) * 3600000"
            f" + CAST(minute({c}) AS BIGINT) * 60000 + CAST(floor(date_part('SECOND', {c}) * 1000) AS BIGINT))"
        )
    return f"unix_millis({c})"


def date_part_sql(name, t, part):
    ms = date_millis_sql(name, t)
    days = f"floor(CAST({ms} AS DOUBLE) / 8.64e7)"
    if part == "year":
        return f"CAST(year(date_from_unix_date(CAST({days} AS INT))) AS DOUBLE)"
    if part == "month":
        return f"CAST(month(date_from_unix_date(CAST({days} AS INT))) AS DOUBLE)"
    if part == "dayOfWeek":
        return f"CAST(((CAST({days} AS BIGINT) % 7) + 10) % 7 AS DOUBLE)"
    if part == "hour":
        return f"floor((CAST({ms} AS DOUBLE) - {days} * 8.64e7) / 3.6e6)"
    return days


def is_extra(f):
    return f["type"] == "date" or (f["type"] == "categorical" and (f.get("encoding") or "onehot") != "onehot")


def fit_extra(f, train, types, fill=None, counts=None):
    """The portable entry of an ordinal or target categorical (its imputed level and counts known)
    or of a date feature."""
    name = f["name"]
    if f["type"] == "date":
        parts = f["parts"]
        exprs = [F.expr(date_part_sql(name, types[name], p)) for p in parts]
        row = train.agg(*[F.avg(x).alias(f"m{k}") for k, x in enumerate(exprs)]).first()
        imputes = []
        for k, p in enumerate(parts):
            if row[f"m{k}"] is None:
                raise TrainError("ML_FEATURE_EMPTY", f"feature {name} has no value on the training rows: exclude it")
            imputes.append(float(row[f"m{k}"]))
        entries = [{"part": p, "impute": imputes[k], "rescale": {"kind": "none"}} for k, p in enumerate(parts)]
        if f["rescale"] == "standard":
            filled = [F.coalesce(x, F.expr(double_literal(imputes[k]))) for k, x in enumerate(exprs)]
            aggs = []
            for k, x in enumerate(filled):
                aggs += [F.avg(x).alias(f"m{k}"), F.stddev_pop(x).alias(f"s{k}")]
            row = train.agg(*aggs).first()
            for k, e in enumerate(entries):
                std = row[f"s{k}"] or 0.0
                e["rescale"] = {"kind": "standard", "mean": float(row[f"m{k}"]), "scale": float(std) if std > 0 else 1.0}
        return {"name": name, "type": "date", "parts": entries}
    if f["encoding"] == "ordinal":
        ranked = sorted(counts, key=lambda v: (-counts[v], v))
        return {"name": name, "type": "ordinal", "impute": fill, "levels": ranked[: f["maxLevels"]], "unseen": ORDINAL_UNSEEN}
    # Target: the positive class's indicator (label 1.0, the second sorted class) or the value; a
    # multiclass target one indicator per class (labels are the sorted classes' indices), each
    # its own portable feature, as the local trainer.
    level = F.coalesce(F.expr(text_sql(name, types[name])), F.expr(text_literal(fill)))
    if TASK == "multiclass":
        targets = [(F.col(LABEL) == float(c)).cast("double") for c in range(len(TARGET_CLASSES))]
    else:
        targets = [F.col(LABEL).cast("double")]
    priors = train.agg(*[F.avg(t).alias(f"p{k}") for k, t in enumerate(targets)]).first()
    m = float(DEFAULT_TARGET_SMOOTHING if f.get("smoothing") is None else f["smoothing"])
    sums = [F.sum(t).alias(f"s{k}") for k, t in enumerate(targets)]
    rows = train.groupBy(level.alias("v")).agg(*sums, F.count(F.lit(1)).alias("n")).collect()
    levels = sorted(r["v"] for r in rows)
    by = {r["v"]: r for r in rows}
    entries = []
    for k in range(len(targets)):
        prior = float(priors[f"p{k}"])
        values = [float((by[v][f"s{k}"] + m * prior) / (by[v]["n"] + m)) for v in levels]
        entries.append({"name": name, "type": "target", "impute": fill, "levels": levels, "values": values, "unseen": prior})
    if TASK != "multiclass":
        return entries[0]
    for entry, c in zip(entries, TARGET_CLASSES):
        entry["forClass"] = c
    return entries


def iso_millis(ms):
    """Epoch milliseconds as ISO text in UTC (the local trainer's sample spelling), None for None."""
    if ms is None:
        return None
    import datetime as _dt

    d = _dt.datetime(1970, 1, 1) + _dt.timedelta(milliseconds=int(ms))
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def extra_columns(i, f, types):
    """The fitted entry as [(sql AS column)], [column]: one column, or one per date part."""
    if f["type"] == "date":
        sql, cols = [], []
        for k, p in enumerate(f["parts"]):
            x = f"coalesce({date_part_sql(f['name'], types[f['name']], p['part'])}, {double_literal(p['impute'])})"
            r = p["rescale"]
            if r["kind"] == "standard":
                x = f"(({x} - {double_literal(r['mean'])}) / {double_literal(r['scale'])})"
            sql.append(f"{x} AS {P}x{i}_{k}")
            cols.append(f"{P}x{i}_{k}")
        return sql, cols
    value = (lambda k: float(k)) if f["type"] == "ordinal" else (lambda k: f["values"][k])
    level = f"coalesce({text_sql(f['name'], types[f['name']])}, {text_literal(f['impute'])})"
    whens = " ".join(f"WHEN {text_literal(v)} THEN {double_literal(value(k))}" for k, v in enumerate(f["levels"]))
    x = f"CASE {level} {whens} ELSE {double_literal(f['unseen'])} END" if whens else double_literal(f["unseen"])
    return [f"{x} AS {P}x{i}"], [f"{P}x{i}"]
`;
