#!/usr/bin/env python3
"""Turns an OpenAPI document (YAML) into a C++ source file holding it as JSON.

usage: openapi-to-cc.py <in.yaml> <out.cc> <header> <C++ namespace> <function name>

The output defines `std::string_view <namespace>::<function>()`, declared in <header>.

Run by the build (CMakeLists.txt) so that the server can answer GET /v1/openapi.json
from memory: the binary needs no file beside it. Needs python3-yaml. Fails (and so
fails the build) when the YAML does not parse or holds something JSON cannot
(dates, non-string keys).
"""
import json
import sys

import yaml


def main() -> int:
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    src, out, header, namespace, function = sys.argv[1:]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or "openapi" not in doc:
        print(f"{src}: not an OpenAPI document", file=sys.stderr)
        return 1
    text = json.dumps(doc, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    delimiter = "gh_openapi"
    if f'){delimiter}"' in text:
        print(f"{src}: contains the raw-string delimiter", file=sys.stderr)
        return 1
    body = (
        f"// Generated from {src.split('/')[-2]}/{src.split('/')[-1]} by scripts/openapi-to-cc.py."
        " Do not edit.\n"
        f'#include "{header}"\n\n'
        "#include <string_view>\n\n"
        f"namespace {namespace} {{\n\n"
        f"std::string_view {function}() {{\n"
        f'  static constexpr char kJson[] = R"{delimiter}({text}){delimiter}";\n'
        "  return {kJson, sizeof(kJson) - 1};\n"
        "}\n\n"
        f"}}  // namespace {namespace}\n"
    )
    with open(out, "w", encoding="utf-8") as f:
        f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
