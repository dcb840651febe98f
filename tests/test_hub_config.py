"""The Zero to JupyterHub values file (docs/hub/z2jh-values.yaml) against the chart's values schema.

What is checked, exactly:

- the values file validates (jsonschema, draft 7) against tests/z2jh_values_schema.yaml, a schema
  written by hand from the chart's jupyterhub/values.schema.yaml at chart 4.3.5 (the chart is on a
  helm repository, not on PyPI or npm, and its files are not copied here): every allowed key of the
  top level and of hub, singleuser (and its image, cpu, memory, storage), cull and prePuller, and
  the chart's types and enums of the fields the file sets. Not checked: the chart's `required`
  lists (the chart's defaults fill them), fields the file does not set, and that Kubernetes
  schedules the pods (no cluster here);
- that the schema can fail: a misspelled key and a wrongly typed value are rejected;
- that the sizes are at least the measured figures of docs/instructors.md (0.32 GB and 0.3 core per
  student) and the limits above the guarantees;
- that NEURODYN_LAB_SHARED_CACHE in singleuser.extraEnv is the folder binder/postBuild compiles the
  shared cache into, in the image repo2docker builds (NB_PYTHON_PREFIX=/srv/conda/envs/notebook).
"""

import copy
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VALUES = ROOT / "docs" / "hub" / "z2jh-values.yaml"
SCHEMA = Path(__file__).with_name("z2jh_values_schema.yaml")
#: repo2docker's Python prefix for the notebook environment (NB_PYTHON_PREFIX in its images).
REPO2DOCKER_PREFIX = "/srv/conda/envs/notebook"
#: Measured on the 2-core machine, warm shared cache (issue 18, 2026-12): per student.
MEASURED_GB, MEASURED_CORES = 0.32, 0.3

_UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def _bytes(quantity) -> float:
    """Kubernetes' memory quantity ("350M", "1Gi", 2e9) in bytes."""
    match = re.fullmatch(r"([0-9.]+)([KMGT]i?)?", str(quantity))
    assert match, f"not a Kubernetes memory quantity: {quantity!r}"
    return float(match.group(1)) * _UNITS[match.group(2) or ""]


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_values_match_the_charts_schema(values, validator):
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(values)]
    assert not errors, errors


@pytest.mark.parametrize("path, bad", [
    (("singleuser", "memmory"), {"guarantee": "350M"}),   # misspelled key
    (("singleuser", "cpu", "guarantee"), "0.3"),           # a string where the chart wants a number
    (("singleuser", "image", "tag"), 1),                   # an unquoted numeric tag
    (("cull", "enabled"), "yes"),
    (("prePuller", "hook", "enabled"), None),
    (("hub", "config", "jupyterhub"), {"admin_access": False}),  # config keys are class names
    (("neurodyn",), {}),                                   # unknown top-level key
])
def test_the_schema_rejects_what_helm_would(values, validator, path, bad):
    broken = copy.deepcopy(values)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad
    assert list(validator.iter_errors(broken)), f"{'.'.join(path)} = {bad!r} passed the schema"


def test_sizes_cover_the_measured_figures(values):
    cpu, memory = values["singleuser"]["cpu"], values["singleuser"]["memory"]
    assert MEASURED_CORES <= cpu["guarantee"] < cpu["limit"]
    assert MEASURED_GB * 1e9 <= _bytes(memory["guarantee"]) < _bytes(memory["limit"])


def test_the_shared_cache_is_the_one_the_image_builds(values):
    env = values["singleuser"]["extraEnv"]
    postbuild = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    # The folder, written out or named once as $shared (postBuild copies the models it just compiled there).
    match = re.search(r'neurodyn-lab warmup --shared "\$\{NB_PYTHON_PREFIX:-[^}]*\}(/[^"]+)"', postbuild)
    if match is None and re.search(r'^neurodyn-lab warmup --shared "\$shared"$', postbuild, re.M):
        match = re.search(r'^shared="\$\{NB_PYTHON_PREFIX:-[^}]*\}(/[^"]+)"$', postbuild, re.M)
    assert match, "binder/postBuild does not build a shared cache under the Python prefix"
    assert env["NEURODYN_LAB_SHARED_CACHE"] == REPO2DOCKER_PREFIX + match.group(1)
