#!/usr/bin/env bash
# Builds a Python venv with two independent FHIR R4 (4.0.1) validators, both from PyPI:
# fhir.resources 6.4.0 (pydantic v1 models generated from the FHIR 4.0.1 StructureDefinitions)
# and the HL7 R4 JSON Schema checked by jsonschema (and jsonschema-rs, for speed).
# Usage: scripts/fhir-validator/setup.sh VENV_DIR
# Then:  VENV_DIR/bin/python scripts/fhir-validator/validate_fhir.py FILE_OR_DIR...
set -euo pipefail
venv=${1:?usage: setup.sh VENV_DIR}
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
# 6.4.0 is the last release whose default models are FHIR 4.0.1; it needs pydantic v1.
"$venv/bin/pip" install -q "fhir.resources==6.4.0" "pydantic<2" lxml jsonschema jsonschema-rs
"$venv/bin/python" -c "import fhir.resources as f; print('fhir.resources', f.__version__, 'FHIR', f.__fhir_version__)"
