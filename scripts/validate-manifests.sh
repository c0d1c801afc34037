#!/usr/bin/env bash
# Validates the Kubernetes manifests in deploy/ (a kustomize base) without a cluster.
#
# - Renders the base with `kubectl kustomize deploy` when kubectl is installed and also checks
#   every file listed under `resources:` in deploy/kustomization.yaml one by one (without kubectl,
#   only the listed files: what kustomize would emit, minus its transformations).
# - Validates every object, strictly (unknown fields are errors), against the Kubernetes OpenAPI
#   JSON schemas bundled in the PyPI package kubernetes-validate (no download at run time), for
#   each version in KUBERNETES_VERSIONS (default "1.31 1.35"). A kind with no schema is an error.
# - Fails when a YAML file in deploy/ is neither listed nor a known opt-in file, when a listed
#   file holds more than one object, and when a deliberately broken copy of the Deployment is
#   accepted (proof that the validator really runs strict).
# Exits 0 only if everything passes. Install the validator with scripts/install-dependencies.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import kubernetes_validate, yaml' 2>/dev/null; then
  echo "validate-manifests: kubernetes-validate is not installed; run scripts/install-dependencies.sh" >&2
  exit 2
fi

rendered=""
if command -v kubectl >/dev/null 2>&1; then
  rendered=$(mktemp)
  trap 'rm -f "$rendered"' EXIT
  if ! kubectl kustomize deploy >"$rendered"; then
    echo "validate-manifests: FAIL: kubectl kustomize deploy could not render the base" >&2
    exit 1
  fi
fi

python3 - "deploy" "${KUBERNETES_VERSIONS:-1.31 1.35}" "$rendered" <<'PYTHON'
import copy, glob, os, sys

import kubernetes_validate
import yaml
from importlib.metadata import version as package_version

deploy, versions, rendered = sys.argv[1], sys.argv[2].split(), sys.argv[3]
# Files in deploy/ that are deliberately not in the base (applied by hand, see deploy/README.md).
OPT_IN = {"apiserver-kubelet-checkpoint.yaml"}
failures = []


def fail(message):
    failures.append(message)
    print("FAIL " + message)


def documents(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def check(label, obj):
    """Validates one object against every version; returns True when all pass."""
    kind = "%s %s/%s" % (obj.get("apiVersion"), obj.get("kind"), (obj.get("metadata") or {}).get("name"))
    passed = True
    for v in versions:
        try:
            kubernetes_validate.validate(obj, v, strict=True)
        except kubernetes_validate.SchemaNotFoundError as error:
            fail("%s: %s: no schema in Kubernetes %s (%s)" % (label, kind, v, error))
            passed = False
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(p) for p in error.path) or "(top level)"
            fail("%s: %s: invalid for Kubernetes %s at %s: %s" % (label, kind, v, where, error.message))
            passed = False
    if passed:
        print("ok   %s: %s (Kubernetes %s, strict)" % (label, kind, ", ".join(versions)))
    return passed


print("validator: kubernetes-validate %s (bundled schemas), Kubernetes %s" % (
    package_version("kubernetes-validate"), ", ".join(versions)))

kustomization = documents(os.path.join(deploy, "kustomization.yaml"))[0]
resources = kustomization.get("resources") or []
if not resources:
    fail("kustomization.yaml lists no resources")
listed = []
for name in resources:
    path = os.path.join(deploy, name)
    if not os.path.isfile(path):
        fail("kustomization.yaml lists %s, which does not exist" % name)
        continue
    docs = documents(path)
    if len(docs) != 1:
        # The project's YAML module (used by DeployManifestTests) reads one document per file.
        fail("%s holds %d objects; keep one object per listed file" % (name, len(docs)))
    for doc in docs:
        check(name, doc)
        listed.append(doc)

for path in sorted(glob.glob(os.path.join(deploy, "*.yaml")) + glob.glob(os.path.join(deploy, "*.yml"))):
    name = os.path.basename(path)
    if name == "kustomization.yaml" or name in resources:
        continue
    if name not in OPT_IN:
        fail("%s is in deploy/ but neither listed in kustomization.yaml nor a known opt-in file" % name)
        continue
    for doc in documents(path):
        check(name + " (opt-in)", doc)

if rendered:
    docs = documents(rendered)
    print("rendered with kubectl kustomize: %d objects" % len(docs))
    if len(docs) != len(listed):
        fail("kubectl kustomize rendered %d objects, kustomization.yaml lists %d" % (len(docs), len(listed)))
    for doc in docs:
        check("rendered", doc)
else:
    print("kubectl not found: validated the files listed in kustomization.yaml as they are (no kustomize transformations)")

# Negative control: the validator must reject an unknown field and a wrongly typed value.
deployment = next((d for d in listed if d.get("kind") == "Deployment"), None)
if deployment is None:
    fail("no Deployment in the base")
else:
    for mutate, what in (
        (lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("readOnlyRootFilesytem", True), "an unknown field"),
        (lambda d: d["spec"].__setitem__("replicas", "one"), "a string for replicas"),
    ):
        broken = copy.deepcopy(deployment)
        mutate(broken)
        try:
            kubernetes_validate.validate(broken, versions[0], strict=True)
            fail("negative control: a Deployment with %s was accepted; the validator is not working" % what)
        except kubernetes_validate.ValidationError:
            print("ok   negative control: a Deployment with %s is rejected" % what)

if failures:
    print("%d problem(s) in deploy/" % len(failures))
    sys.exit(1)
print("all manifests valid")
PYTHON
