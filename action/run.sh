#!/usr/bin/env bash
# Runs `zdpolicy ARGS` for action.yml's `args` input.
#
# ZDPOLICY_ARGS is split into words as a shell would split quoted text ('a b', "a b", a\ b),
# but nothing in it is expanded: $VAR, $(...) and globs stay literal, so an input never runs a
# command. The exit code is written to the step output `exit-code`. 0 and 2 (changes present,
# which only `plan --detailed-exitcode` returns) pass; any other code fails the step.
set -uo pipefail

fail() {
  echo "zdpolicy action: error: $*" >&2
  exit 1
}

words="$(mktemp)"
trap 'rm -f "$words"' EXIT
# xargs parses quotes and backslashes without expanding anything; it fails on an open quote.
printf '%s\n' "${ZDPOLICY_ARGS:-}" | xargs printf '%s\0' >"$words" ||
  fail "cannot split the args input into words (an unmatched quote?): ${ZDPOLICY_ARGS:-}"
args=()
while IFS= read -r -d '' word; do
  args+=("$word")
done <"$words"
[ "${#args[@]}" -gt 0 ] || fail "the args input is empty"

zdpolicy "${args[@]}"
code=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
fi
case "$code" in
  0 | 2) exit 0 ;;
  *) exit "$code" ;;
esac
