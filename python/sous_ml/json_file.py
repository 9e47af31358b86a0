"""Writes a model artifact's JSON.

json.dump streams through the pure-Python encoder; json.dumps uses the C one. For a forest's
portable form (hundreds of thousands of nodes) that is seconds against a fraction of one, with
the same text.
"""

import json


def write_json(path, value):
    with open(path, "w") as fh:
        fh.write(json.dumps(value))
