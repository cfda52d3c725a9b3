#!/usr/bin/env python3
"""Derive the two embedded validation tables from third-party FHIR R4 sources.

1. fhir-r4.schema.json: the HL7 FHIR R4 JSON Schema with every "description" removed (CC0 HL7
   content; from the HL7 R4 JSON Schema file, fhir.schema.json of hl7.org/fhir/R4).
2. fhir-r4.required.json: per definition, the primitive elements that are 1..1 or 1..* and the
   choice groups ([x]) of which one is required. The JSON Schema cannot say these (a primitive may
   be present only as its `_name` extension), so they are taken from fhir.resources 6.4.0, which
   generates them from the FHIR 4.0.1 StructureDefinitions.

Run with the venv made by scripts/fhir-validator/setup.sh:
  target/fhir-venv/bin/python crates/fhir/schema/generate.py "$LANTERN_FHIR_CORPUS/schema/fhir.schema.r4.json"
"""
import importlib, inspect, json, pathlib, pkgutil, sys

import fhir.resources
from pydantic import BaseModel as FHIRAbstractModel

here = pathlib.Path(__file__).resolve().parent
schema = json.loads(pathlib.Path(sys.argv[1]).read_text())

def strip(x):
    if isinstance(x, dict):
        # A "description" holding text is documentation; one holding a schema is an element.
        return {k: strip(v) for k, v in x.items() if not (k == "description" and isinstance(v, str))}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x

defs = strip(schema["definitions"])
(here / "fhir-r4.schema.json").write_text(json.dumps(defs, separators=(",", ":"), sort_keys=True))

by_class = {}
for m in pkgutil.iter_modules(fhir.resources.__path__):
    if m.name.startswith(("fhir", "tests")) or m.name in ("fhirtypes", "fhirtypesvalidators"):
        continue
    mod = importlib.import_module(f"fhir.resources.{m.name}")
    for name, cls in vars(mod).items():
        if inspect.isclass(cls) and issubclass(cls, FHIRAbstractModel) and cls.__module__ == mod.__name__:
            by_class[name] = cls

out = {}
for d in defs:
    cls = by_class.get(d.replace("_", ""))
    if cls is None:
        continue
    req = sorted(f.alias for f in cls.__fields__.values()
                 if f.field_info.extra.get("element_required") and not f.alias.endswith("__ext"))
    groups = {}
    for f in cls.__fields__.values():
        extra = f.field_info.extra
        if extra.get("one_of_many") and extra.get("one_of_many_required") is True:
            groups.setdefault(extra["one_of_many"], []).append(f.alias)
    groups = [{"prefix": k, "fields": sorted(v)} for k, v in sorted(groups.items())]
    if req or groups:
        out[d] = {"required": req, "choices": groups}
(here / "fhir-r4.required.json").write_text(json.dumps(out, indent=1, sort_keys=True))
print(len(defs), "definitions;", len(out), "with required primitives or choices")
