# scriptlib.sh - what the multi-boot script tests share (sourced, not run). After
#   source "$(dirname "$0")/scriptlib.sh"; script_setup NAME "$1"
# they have RUNNER, IMG (the fresh disk copy), T (timeout per boot), KERNEL, BUILD, a WORK
# directory removed at exit, fail/step messages prefixed with NAME, and
#   run_boot LOG INIT [runner args...]   one quiet boot with the disk; returns the runner's status
script_setup() {
    SCRIPT_NAME=$1
    RUNNER=$2
    IMG=${NANONT_DISK:?needs disk=yes}
    T=${NANONT_TIMEOUT:-60}
    KERNEL=${NANONT_KERNEL:?}
    BUILD=${NANONT_BUILD:-build}
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$SCRIPT_NAME.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
}
fail() { echo "$SCRIPT_NAME.sh: FAIL: $*"; exit 1; }
step() { echo "$SCRIPT_NAME.sh: $*"; }
run_boot() {
    local log=$1 init=$2; shift 2
    local rc=0
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "$T" --init "$init" "$@" --log "$log" >/dev/null 2>&1 || rc=$?
    return $rc
}
