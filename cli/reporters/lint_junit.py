"""``lint --format junit``: JUnit XML for CI dashboards. One test suite per file, one failing
test case per finding; a file without findings is one passing test case."""
from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET


def render(run, show_matches: bool, out: TextIO) -> None:
    root = ET.Element("testsuites", name="kefulint", tests="0", failures="0", errors="0")
    total = failures = 0
    for report in run.files:
        findings = report.findings
        suite = ET.SubElement(root, "testsuite", name=report.path, tests=str(max(len(findings), 1)),
                              failures=str(len(findings)), errors="0")
        if not findings:
            ET.SubElement(suite, "testcase", classname=report.path, name=f"{report.path} ({report.replies} replies)")
            total += 1
            continue
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=report.path,
                                 name=f"{f.rule} {f.path}:{f.line}:{f.column}")
            match = f.shown_match(show_matches)
            failure = ET.SubElement(case, "failure", type=f"{f.severity.value} {f.rule}", message=f.message)
            failure.text = (f"{f.path}:{f.line}:{f.column}: {f.message}" + (f"「{match}」" if match else "")
                            + (f"\n建议：{f.suggestion}" if f.suggestion else ""))
            total += 1
            failures += 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
