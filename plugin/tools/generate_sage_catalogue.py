#!/usr/bin/env python3
"""Generates the connector's entity catalogue from Sage's OpenAPI descriptions (plugin/sage_openapi/).

Every paged collection of the Accounts description, plus /businesses of the User Accounts one,
becomes an entity: its query parameters decide incremental reads (updated_or_created_since),
deletions (deleted_since), date ranges (from_date/to_date), search, sort fields (parsed from the
`sort` parameter's description) and the further filters; "Endpoint Availability" in the operation's
description gives the product tiers; the 200 answer's item definition, with every definition it
reaches, becomes the JSON Schema of a record.

Usage: generate_sage_catalogue.py ACCOUNTS_JSON USER_BUSINESS_JSON OUTPUT_CPP"""
import json
import os
import re
import sys

# Parameters the reader sets itself; everything else a collection declares is a filter users may set.
HANDLED = {"page", "items_per_page", "attributes", "updated_or_created_since", "deleted_since",
           "from_date", "to_date", "search", "sort"}
TIER = re.compile(r"^\* (Accounting [A-Za-z ]+):", re.M)
SORT_FIELDS = re.compile(r"Available attributes are:\s*\n([a-z_, ]+)")


def cxx(text):
    """A C++ string literal of `text` (UTF-8 kept, quotes, backslashes and controls escaped)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\x%02x\"\"" % ord(ch))
        elif ch == "?":
            out.append("\\?")  # no trigraphs, ever
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def refs_of(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[-1]
            else:
                yield from refs_of(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_of(item)


def reachable(definitions, root):
    seen, stack = [], [root]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.append(name)
        stack.extend(refs_of(definitions[name]))
    return sorted(seen)


def json_schema_of(node, top=False):
    """A Swagger 2.0 schema as JSON Schema 2020-12: $defs references, no x- extensions, and every
    property nullable (Sage answers null for unset values, which the description does not say)."""
    if isinstance(node, list):
        return [json_schema_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key == "description" and top and value.startswith("### Endpoint Availability"):
            continue
        if key == "$ref":
            out[key] = "#/$defs/" + value.rsplit("/", 1)[-1]
        elif key == "properties":
            out[key] = {name: nullable(json_schema_of(prop)) for name, prop in value.items()}
        else:
            out[key] = json_schema_of(value)
    return out


def nullable(schema):
    if "$ref" in schema:
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return {"anyOf": [{"$ref": schema["$ref"]}, {"type": "null"}], **rest}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return schema


def filter_type(param):
    kind, fmt = param.get("type", "string"), param.get("format")
    if fmt in ("date", "date-time"):
        return fmt
    return {"boolean": "boolean", "integer": "integer"}.get(kind, "string")


def entity_of(path, operation, item_definition, envelope_page_size, paged):
    params = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"}
    sort_fields = []
    if "sort" in params:
        match = SORT_FIELDS.search(params["sort"].get("description", ""))
        if match:
            sort_fields = [f.strip() for f in match.group(1).split(",") if f.strip()]
    tags = operation.get("tags") or [path.strip("/").replace("_", " ").title()]
    return {
        "name": path.strip("/"),
        "title": tags[0],
        "definition": item_definition,
        "incremental": "updated_or_created_since" in params,
        "deletions": "deleted_since" in params,
        "date_range": "from_date" in params and "to_date" in params,
        "search": "search" in params,
        "paged": paged,
        "per_business": path != "/businesses",
        "page_size_key": envelope_page_size,
        "sort_fields": sort_fields,
        "tiers": TIER.findall(operation.get("description", "")),
        "filters": [(name, filter_type(p), " ".join(p.get("description", "").split()))
                    for name, p in params.items() if name not in HANDLED],
    }


def collections(accounts, users):
    """(entity, definitions) for every paged collection, in the description's order."""
    found = []
    for path, item in accounts["paths"].items():
        operation = item.get("get")
        if "{" in path or operation is None:
            continue
        names = {p["name"] for p in operation.get("parameters", [])}
        schema = operation["responses"]["200"]["schema"]
        if schema.get("type") != "array" or "page" not in names:
            continue  # a single settings object, not a collection
        found.append((entity_of(path, operation, schema["items"]["$ref"].rsplit("/", 1)[-1], "$itemsPerPage",
                                True), accounts["definitions"]))
    businesses = users["paths"]["/businesses"]["get"]
    schema = businesses["responses"]["200"]["schema"]
    # Correction: /businesses answers with an envelope spelt $items_per_page and takes no paging
    # parameters, although the description declares a bare array.
    found.append((entity_of("/businesses", businesses, schema["items"]["$ref"].rsplit("/", 1)[-1],
                            "$items_per_page", False), users["definitions"]))
    return found


def main():
    accounts = json.load(open(sys.argv[1], encoding="utf-8"))
    users = json.load(open(sys.argv[2], encoding="utf-8"))
    output = sys.argv[3]
    found = collections(accounts, users)

    clash = set(accounts["definitions"]) & set(users["definitions"])
    if clash:  # one $defs namespace serves both descriptions
        sys.exit(f"definitions named in both descriptions: {sorted(clash)}: teach the generator to rename them")
    definitions = {}  # name -> JSON Schema
    entity_defs = []
    for entity, source in found:
        # The primary key: `id`, or for the few records Sage keys otherwise (exchange rates, keyed by
        # currency) `$path`, the resource's own address, unique by construction.
        entity["key"] = "id" if "id" in source[entity["definition"]].get("properties", {}) else "$path"
        names = reachable(source, entity["definition"])
        for name in names:
            definitions.setdefault(name, json_schema_of(source[name], top=True))
        entity_defs.append(names)

    lines = ["// Generated by plugin/tools/generate_sage_catalogue.py from Sage's OpenAPI descriptions",
             "// (plugin/sage_openapi/). Do not edit: change the generator or the descriptions.",
             '#include "sage/sage_catalogue.hpp"', "", "namespace sage::catalogue_data {", "namespace {"]
    for index, ((entity, _), names) in enumerate(zip(found, entity_defs)):
        def array(kind, items, suffix):
            if not items:
                return "{}"
            lines.append(f"constexpr {kind} e{index}_{suffix}[] = {{" + ", ".join(items) + "};")
            return f"e{index}_{suffix}"
        entity["sort_span"] = array("std::string_view", [cxx(s) for s in entity["sort_fields"]], "sort")
        entity["tier_span"] = array("std::string_view", [cxx(s) for s in entity["tiers"]], "tiers")
        entity["def_span"] = array("std::string_view", [cxx(s) for s in names], "defs")
        entity["filter_span"] = array("filter_spec",
                                      ["{" + ", ".join(cxx(x) for x in f) + "}" for f in entity["filters"]],
                                      "filters")
    lines.append("} // namespace")
    lines.append("")
    lines.append("const entity_spec entity_table[] = {")
    for entity, _ in found:
        flags = ", ".join("true" if entity[k] else "false"
                          for k in ("incremental", "deletions", "date_range", "search", "paged", "per_business"))
        lines.append(f"    {{{cxx(entity['name'])}, {cxx(entity['title'])}, {cxx(entity['definition'])}, "
                     f"{cxx(entity['page_size_key'])}, {flags}, {entity['sort_span']}, {entity['tier_span']}, "
                     f"{entity['filter_span']}, {entity['def_span']}, {cxx(entity['key'])}}},")
    lines.append("};")
    lines.append("const std::span<const entity_spec> entities(entity_table);")
    lines.append("")
    blob = json.dumps(definitions, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    assert ")sage_json\"" not in blob
    lines.append('const std::string_view definitions_json = R"sage_json(' + blob + ')sage_json";')
    lines.append("")
    lines.append("} // namespace sage::catalogue_data")
    with open(output + ".tmp", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    os.replace(output + ".tmp", output)


if __name__ == "__main__":
    main()
