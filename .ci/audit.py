"""`make audit`: every pinned dependency (constraints.txt) against the known vulnerabilities PyPI publishes, with
pip-audit. Exit status 1 on any known vulnerability (pip-audit's own). pip-audit asks PyPI's per-release JSON API;
a package it cannot look up there is listed as skipped, not failed, so the last line says how many were looked up
(docs/conventions.md, "Dependencies")."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        status = subprocess.run(  # noqa: S603
            [str(Path(sys.executable).parent / "pip-audit"), "--requirement", str(ROOT / "constraints.txt"),
             "--no-deps", "--disable-pip", "--vulnerability-service", "pypi", "--progress-spinner", "off",
             "--format", "json", "--output", str(report)], check=False).returncode
        if not report.exists():
            print(f"pip-audit could not run (exit status {status}; its error is above): nothing was audited")
            return status or 1
        packages = json.loads(report.read_text())["dependencies"]
    vulns = [f"{p['name']} {p['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or []) or '-'})"
             for p in packages for v in p.get("vulns", [])]
    skipped = [p for p in packages if "skip_reason" in p]
    for line in vulns:
        print(line)
    note = f" (e.g. {skipped[0]['skip_reason']})" if skipped else ""
    print(f"pip-audit: {len(packages) - len(skipped)} of {len(packages)} pinned packages looked up, "
          f"{len(vulns)} known vulnerabilities; {len(skipped)} could not be looked up{note}")
    return status or (1 if vulns else 0)


if __name__ == "__main__":
    sys.exit(main())
