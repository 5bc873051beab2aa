#!/usr/bin/env python3
"""Checks that every *.json file in a folder is a valid JSON Schema (draft 2020-12) and, when a
file NAME.records.ndjson sits beside NAME.json, that each of its lines is valid against it.
Prints one line per problem and "N schemas valid, M records valid" at the end; exits 1 on any problem.

Usage: check_json_schemas.py FOLDER"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator


def main():
    folder = pathlib.Path(sys.argv[1])
    problems, schemas, records = 0, 0, 0
    for path in sorted(folder.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # jsonschema's SchemaError, or a $ref it cannot resolve
            print(f"{path.name}: not a valid JSON Schema: {error}")
            problems += 1
            continue
        schemas += 1
        validator = Draft202012Validator(schema)
        samples = path.with_suffix(".records.ndjson")
        if samples.exists():
            for number, line in enumerate(samples.read_text(encoding="utf-8").splitlines(), 1):
                for error in validator.iter_errors(json.loads(line)):
                    print(f"{samples.name}:{number}: {error.json_path}: {error.message}")
                    problems += 1
                records += 1
    print(f"{schemas} schemas valid, {records} records valid" if not problems else f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
