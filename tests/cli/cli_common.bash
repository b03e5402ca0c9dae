# Shared by the tests/cli_*.sh scripts (sourced, not a test itself): the binary, the fixture
# directory, a scratch directory, and the two assertions every command-line test makes.
# usage (in a script): source "$(dirname "$0")/cli_common.bash" "$@"
set -u
bin=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_error <expected exit code> <words the message must contain> -- <args...>:
# that exit code, exactly one line on stderr containing the words, nothing on stdout.
expect_error() {
  local code=$1 words=$2
  shift 3
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne "$code" ] || [ -s "$tmp/out" ] || [ "$lines" -ne 1 ] || ! grep -qi -- "$words" "$tmp/err"; then
    echo "FAIL: wnflow $* -> rc=$rc (want $code), stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"
    fails=$((fails + 1))
  fi
}

# run_ok <args...>: exit 0; stdout in $tmp/out, stderr in $tmp/err.
run_ok() {
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: wnflow $* -> rc=$rc: $(cat "$tmp/err")"
    fails=$((fails + 1))
    return 1
  fi
}

# finish <name>: the verdict of the script.
finish() {
  if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
  fi
  echo "$1: all checks passed"
}
