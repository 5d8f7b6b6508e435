#!/usr/bin/env bash
# Run one lambda-import-lint executable over a copy of some folders and keep everything it says:
# findings (default and --defer all --heavy-modules '*' semantics), SARIF with fix edits, the cost
# report, the handlers, and the trees after --fix and after --fix --unsafe-fixes. Run it for two
# versions and compare the folders byte for byte (`diff -r OUT1 OUT2`): a refactoring that changes
# no finding and no fix leaves no difference.
#
#   benchmarks/same_output.sh /path/to/old/bin/lambda-import-lint /tmp/before FOLDER...
#   benchmarks/same_output.sh /path/to/new/bin/lambda-import-lint /tmp/after FOLDER...
#   diff -r /tmp/before /tmp/after
set -u
set -f  # "*" below is the heavy-modules value, never a glob
LIL=$1
OUT=$2
shift 2
rm -rf "$OUT"
mkdir -p "$OUT/tree"
for folder in "$@"; do cp -r "$folder" "$OUT/tree/"; done
find "$OUT/tree" -name __pycache__ -prune -exec rm -rf {} +
cd "$OUT" || exit 2
STRESS="--all-modules --defer all --heavy-modules *"
"$LIL" check --no-cache --format json --jobs 2 tree > default.json 2> default.err; echo "default $?" >> status
# shellcheck disable=SC2086
"$LIL" check --no-cache --format json --jobs 2 $STRESS tree > stress.json 2> stress.err; echo "stress $?" >> status
# shellcheck disable=SC2086
"$LIL" check --no-cache --format sarif $STRESS tree > all.sarif 2> sarif.err; echo "sarif $?" >> status
"$LIL" report --format json tree > report.json 2> report.err; echo "report $?" >> status
"$LIL" handlers --format json tree > handlers.json 2> handlers.err; echo "handlers $?" >> status
cp -r tree fixed-unsafe
# shellcheck disable=SC2086
"$LIL" check --no-cache --fix --unsafe-fixes --jobs 2 $STRESS fixed-unsafe > fix.out 2> fix.err; echo "fix $?" >> status
cp -r tree fixed-default
"$LIL" check --no-cache --fix --jobs 2 fixed-default > fix-default.out 2> fix-default.err; echo "fix-default $?" >> status
