#!/usr/bin/env python3
"""Validate FHIR R4 (4.0.1) JSON files with two third-party validators:

  1. fhir.resources 6.4.0 (pydantic v1 models generated from the FHIR 4.0.1
     StructureDefinitions): element names, cardinality, primitive formats
     (date, dateTime, id, code regex...), required elements, choice types,
     nested Bundle.entry.resource typed by its resourceType.
  2. The HL7 FHIR R4 JSON Schema (fhir.schema.json, draft-06, "json-schema/4.0"),
     checked with `jsonschema-rs` (fast pass/fail, optional) and the `jsonschema`
     package (Draft6Validator, used to explain failures).

Neither does profile / invariant (FHIRPath) / terminology validation; that is
what the official HL7 Java validator adds.

The schema is Lantern's own copy of the HL7 R4 JSON Schema (crates/fhir/schema/fhir-r4.schema.json:
HL7's definitions with the documentation strings removed, nothing else changed), so this runs on a
fresh clone with nothing beside it. Set up the validators with scripts/fhir-validator/setup.sh.

Usage:
  validate_fhir.py [--no-schema] [--schema PATH] FILE_OR_DIR...
Exit status: 0 if every file passes every enabled validator, 1 otherwise.
"""
import argparse
import json
import pathlib
import sys

from fhir.resources import construct_fhir_element, __fhir_version__
from pydantic import ValidationError

DEFAULT_SCHEMA = pathlib.Path(__file__).resolve().parents[2] / "crates/fhir/schema/fhir-r4.schema.json"


def load_schema(path):
    """A whole HL7 schema file, or Lantern's definitions-only copy made whole again: the root of
    HL7's schema is the same oneOf over every resource type as its ResourceList."""
    schema = json.loads(pathlib.Path(path).read_text())
    if "definitions" in schema:
        return schema
    return {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "id": "http://hl7.org/fhir/json-schema/4.0",
        "oneOf": schema["ResourceList"]["oneOf"],
        "definitions": schema,
    }


def iter_files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*.json")
                              if x.name not in ("package.json", "MANIFEST.json")
                              and "schema" not in x.relative_to(p).parts)
        else:
            yield p


def check_models(data):
    rt = data.get("resourceType") if isinstance(data, dict) else None
    if not rt:
        return ["no resourceType"]
    try:
        construct_fhir_element(rt, data)
        return []
    except ValidationError as e:
        return [f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()]
    except (KeyError, LookupError, ValueError, TypeError) as e:  # unknown resourceType etc.
        return [f"{type(e).__name__}: {e}"]


class SchemaValidator:
    """Pass/fail with jsonschema-rs (Rust, fast) when installed; python-jsonschema
    (Draft6Validator) to explain failures (it is ~1000x slower on big bundles)."""

    def __init__(self, path):
        from jsonschema import Draft6Validator
        schema = load_schema(path)
        self.explainer = Draft6Validator(schema)
        try:
            import jsonschema_rs
            self.fast = jsonschema_rs.Draft6Validator(schema)
        except ImportError:
            self.fast = None

    def iter_errors(self, data):
        if self.fast is not None and self.fast.is_valid(data):
            return iter(())
        return self.explainer.iter_errors(data)


def make_schema_validator(path):
    return SchemaValidator(path)


def _explain(err):
    """Resolve FHIR's resource-level oneOf (ResourceList / root) to the branch named by
    the instance's resourceType, so messages point at the real defect."""
    inst = err.instance
    if err.validator == "oneOf" and isinstance(inst, dict) and "resourceType" in inst:
        target = "#/definitions/" + str(inst["resourceType"])
        idx = next((i for i, s in enumerate(err.validator_value)
                    if isinstance(s, dict) and s.get("$ref") == target), None)
        if idx is None:
            return [(err, f"unknown resourceType {inst['resourceType']!r}")]
        out = []
        for sub in err.context:
            if sub.relative_schema_path and sub.relative_schema_path[0] == idx:
                out.extend(_explain(sub))
        return out or [(err, err.message)]
    return [(err, err.message)]


def check_schema(validator, data):
    errs = []
    for err in validator.iter_errors(data):
        for leaf, msg in _explain(err):
            loc = "/".join(map(str, leaf.absolute_path))
            errs.append(f"{loc or '<root>'}: {msg[:200]}")
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--no-schema", action="store_true", help="skip JSON-schema check")
    ap.add_argument("--schema", default=str(DEFAULT_SCHEMA))
    ap.add_argument("--max-errors", type=int, default=5)
    a = ap.parse_args()

    sv = None if a.no_schema else make_schema_validator(a.schema)
    n_ok = n_bad = 0
    for f in iter_files(a.paths):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            print(f"FAIL {f}\n  [json] {e}")
            n_bad += 1
            continue
        results = {"fhir.resources": check_models(data)}
        if sv is not None:
            results["json-schema"] = check_schema(sv, data)
        if any(results.values()):
            n_bad += 1
            print(f"FAIL {f}")
            for name, errs in results.items():
                for e in errs[: a.max_errors]:
                    print(f"  [{name}] {e}")
                if len(errs) > a.max_errors:
                    print(f"  [{name}] ... {len(errs) - a.max_errors} more")
        else:
            n_ok += 1
            print(f"ok   {f}")
    print(f"FHIR {__fhir_version__}: {n_ok} passed, {n_bad} failed")
    return 0 if n_bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
