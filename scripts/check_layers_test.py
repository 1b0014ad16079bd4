#!/usr/bin/env python3
# Marconi. Self-test of check_layers.py (ctest check_layers_test): a small tree that keeps the
# order passes; one include against it fails, naming the file, the include and the rule.
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_layers.py")

DOC = """# Architecture

## Layers and what each may include
| Layer | Folders | May include | Never includes |
|---|---|---|---|
| common | `src/common/` | nothing of ours | |
| contract | `src/storage/contract/` | `common` | |
| sqlite | `src/storage/sqlite/` | `contract`, `common` | |
| redis | `src/storage/redis/` | `contract`, `common` | |
| core | `src/core/` | `contract`, `common` | `<boost/beast` |
| app | `src/app/` | anything | |
| tests | `tests/` | anything | |

## Next section
| not | a | layer | row |
"""

GOOD = {
    "src/common/clock.hpp": "#pragma once\n#include <chrono>\n",
    "src/storage/contract/driver.hpp": '#pragma once\n#include "common/clock.hpp"\n',
    "src/storage/sqlite/sqlite_driver.hpp": '#include "storage/contract/driver.hpp"\n',
    "src/storage/sqlite/sqlite_driver.cpp": '#include "storage/sqlite/sqlite_driver.hpp"\n',
    "src/storage/redis/redis_driver.hpp": '#include "storage/contract/driver.hpp"\n',
    "src/core/services.hpp": '#include "storage/contract/driver.hpp"\n#include <boost/asio.hpp>\n',
    "src/core/services_test.cpp": '#include "core/services.hpp"\n#include "storage/sqlite/sqlite_driver.hpp"\n',
    "src/app/main.cpp": '#include "core/services.hpp"\n#include "storage/sqlite/sqlite_driver.hpp"\n',
    "tests/conformance/fixture.hpp": '#include "storage/redis/redis_driver.hpp"\n',
    "tests/conformance/contract_test.cpp": '#include "fixture.hpp"\n',
}


def make_tree(root, files):
    os.makedirs(os.path.join(root, "docs"))
    with open(os.path.join(root, "docs", "architecture.md"), "w") as f:
        f.write(DOC)
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def run(root):
    done = subprocess.run([sys.executable, SCRIPT, "--root", root], capture_output=True,
                          text=True)
    return done.returncode, done.stdout + done.stderr


class check_layers_test(unittest.TestCase):
    def check(self, extra):
        with tempfile.TemporaryDirectory() as root:
            make_tree(root, {**GOOD, **extra})
            return run(root)

    def test_a_tree_that_keeps_the_order_passes(self):
        rc, out = self.check({})
        self.assertEqual(rc, 0, out)
        self.assertIn("follow the order", out)

    def test_a_driver_including_another_driver_fails_naming_file_include_and_rule(self):
        rc, out = self.check({"src/storage/sqlite/bad.cpp":
                              '// one bad include\n#include "storage/redis/redis_driver.hpp"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn('src/storage/sqlite/bad.cpp:2: includes "storage/redis/redis_driver.hpp" '
                      '(redis): sqlite may include common, contract', out)

    def test_an_include_up_the_order_fails(self):
        rc, out = self.check({"src/storage/contract/up.hpp": '#include "core/services.hpp"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn('src/storage/contract/up.hpp:1: includes "core/services.hpp" (core): '
                      'contract may include common', out)

    def test_common_includes_nothing_of_ours(self):
        rc, out = self.check({"src/common/x.hpp": '#include "storage/contract/driver.hpp"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn("common may include nothing of ours", out)

    def test_a_forbidden_system_header_fails(self):
        rc, out = self.check({"src/core/beast.cpp": "#include <boost/beast/http.hpp>\n"})
        self.assertEqual(rc, 1, out)
        self.assertIn("src/core/beast.cpp:1: includes <boost/beast/http.hpp>: core never "
                      "includes <boost/beast", out)

    def test_an_include_of_no_file_fails(self):
        rc, out = self.check({"src/core/gone.cpp": '#include "core/gone.hpp"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn('includes "core/gone.hpp", which is no file of the tree', out)

    def test_a_file_outside_every_layer_fails(self):
        rc, out = self.check({"src/stray/x.cpp": '#include "core/services.hpp"\n'})
        self.assertEqual(rc, 1, out)
        self.assertIn("src/stray/x.cpp:1", out)
        self.assertIn("in no layer of the table", out)


if __name__ == "__main__":
    unittest.main()
