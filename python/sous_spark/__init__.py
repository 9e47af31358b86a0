"""A long-lived local SparkSession spoken to over stdin/stdout JSON lines (see server.py)."""
