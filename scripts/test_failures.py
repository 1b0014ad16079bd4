#!/usr/bin/env python3
"""Prints the failed and errored test cases of every JUnit XML report in a directory.

`make test` runs many suites (ctest and pytest, per store, plain and under ASan) and a CI log
keeps only its last lines, so the names of what failed have to come last. Each line names the
report (the suite), the test case and the first line of its failure message.

Usage: scripts/test_failures.py <report-dir>
Exit status: 0 if no report holds a failure, 1 otherwise.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

MESSAGE_CHARS = 160


def failures(report: pathlib.Path):
    try:
        root = ET.parse(report).getroot()
    except ET.ParseError as error:
        yield f"{report.name}: unreadable report ({error})"
        return
    for case in root.iter("testcase"):
        for outcome in ("failure", "error"):
            found = case.find(outcome)
            if found is None:
                continue
            name = "::".join(part for part in (case.get("classname"), case.get("name")) if part)
            text = (found.get("message") or found.text or "").strip()
            first_line = text.splitlines()[0][:MESSAGE_CHARS] if text else ""
            yield f"{report.stem}: {outcome.upper()} {name}: {first_line}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    lines = [line for report in sorted(pathlib.Path(sys.argv[1]).glob("*.xml"))
             for line in failures(report)]
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
