#!/usr/bin/python3
"""Validates manifest files against the connector manifest JSON Schema.

usage: check_manifests.py SCHEMA FILE...
Prints one line per file: "valid <file>" or "invalid <file>: <first error>". Exit 0 unless the
schema itself is broken. Used by tests/unit/host_sdk/manifest_test.cpp to keep the C++ reader and the schema
in step."""
import json
import sys

import jsonschema


def main() -> int:
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        try:
            document = json.load(open(path, encoding="utf-8"))
        except ValueError as error:
            print(f"invalid {path}: not JSON: {error}")
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        if errors:
            print(f"invalid {path}: {errors[0].message}")
        else:
            print(f"valid {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
