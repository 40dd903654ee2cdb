#!/usr/bin/env bash
# The Azure Terraform (infra/terraform/azure), checked without Terraform or an Azure account (make test):
#   1. scripts/check-terraform.py: its promises on the parsed text (python-hcl2), then --self-test (each promise
#      broken in a copy must be noticed);
#   2. checkov: zero failed checks, zero files it cannot parse, and every skip justified beside its resource
#      (`#checkov:skip=ID:why`).
# python-hcl2 and checkov come from PyPI into ~/.cache/jobbot-terraform (two virtualenvs: checkov's own HCL
# parser, bc-python-hcl2, installs a module of the same name).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=infra/terraform/azure
cache=${JOBBOT_TERRAFORM_VENV:-$HOME/.cache/jobbot-terraform}
if [ ! -x "$cache/hcl/bin/python" ] || ! "$cache/hcl/bin/python" -c 'import hcl2, yaml' 2>/dev/null; then
  echo "==> installing python-hcl2 from PyPI into $cache/hcl"
  python3 -m venv "$cache/hcl"
  "$cache/hcl/bin/pip" install -q --disable-pip-version-check "python-hcl2==7.3.1" "PyYAML==6.0.2"
fi
if [ ! -x "$cache/checkov/bin/checkov" ]; then
  echo "==> installing checkov from PyPI into $cache/checkov"
  python3 -m venv "$cache/checkov"
  "$cache/checkov/bin/pip" install -q --disable-pip-version-check "checkov==3.3.30"
fi

"$cache/hcl/bin/python" scripts/check-terraform.py "$dir"
"$cache/hcl/bin/python" scripts/check-terraform.py --self-test "$dir"

# No network: no download of external checks or guidelines.
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT
set +e
BC_SKIP_MAPPING=TRUE "$cache/checkov/bin/checkov" -d "$dir" --framework terraform --skip-download --quiet \
  --compact --output json >"$report/checkov.json" 2>"$report/checkov.log"
set -e
python3 - "$report/checkov.json" "$dir" <<'PY'
import json, pathlib, re, sys
results = json.loads(pathlib.Path(sys.argv[1]).read_text())
results = results if isinstance(results, dict) else results[0]
summary = results["summary"]
problems = []
for check in results["results"].get("failed_checks", []):
    problems.append(f"FAILED {check['check_id']} {check['check_name']}: {check['resource']} ({check['file_path']})")
if summary["parsing_errors"]:
    problems.append(f"files checkov cannot parse: {results['results']['parsing_errors']}")
if summary["passed"] < 50:
    problems.append(f"only {summary['passed']} checks passed: was the configuration read?")
for path in pathlib.Path(sys.argv[2]).rglob("*.tf"):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if "checkov:skip=" in line and not re.search(r"checkov:skip=CKV2?_[A-Z]+_\d+:\S.{20,}", line):
            problems.append(f"{path}:{number}: a skip without its reason")
print(f"checkov: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped "
      f"(each with its reason), {summary['parsing_errors']} parsing errors, {summary['resource_count']} resources")
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY
