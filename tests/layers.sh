#!/usr/bin/env bash
# The library's layers point downward only: a file under lib/model includes nothing of
# <wnflow/solve/...> or <wnflow/lab/...>, a file under lib/solve nothing of <wnflow/lab/...>;
# and every include of ours names its layer (<wnflow/LAYER/...>).
# usage: layers.sh <lib directory>
set -u
lib=$1

# violations <lib dir>: prints one line per include that points up or names no layer.
violations() {
  local dir=$1
  grep -rnE '#include +[<"]wnflow/(solve|lab)/' "$dir/model" 2>/dev/null
  grep -rnE '#include +[<"]wnflow/lab/' "$dir/solve" 2>/dev/null
  grep -rnE '#include +[<"]wnflow/' "$dir" 2>/dev/null | grep -vE '#include +[<"]wnflow/(model|solve|lab)/'
  return 0
}

fails=0
for layer in model solve lab; do
  [ -d "$lib/$layer/include/wnflow/$layer" ] || { echo "FAIL: no $lib/$layer/include/wnflow/$layer"; fails=$((fails + 1)); }
done
found=$(violations "$lib")
if [ -n "$found" ]; then
  echo "FAIL: includes that point up a layer or name none:"
  echo "$found"
  fails=$((fails + 1))
fi

# The check itself must be able to fail: a copy with one upward include in each layer is caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/model" "$tmp/solve"
echo '#include <wnflow/solve/run.hpp>' >"$tmp/model/a.hpp"
echo '#include <wnflow/lab/verify.hpp>' >"$tmp/solve/b.cpp"
[ "$(violations "$tmp" | wc -l)" -eq 2 ] || { echo "FAIL: the check missed an upward include"; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "layers: model <- solve <- lab, every include downward"
