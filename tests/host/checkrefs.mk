# Stale-reference check (tools/checkrefs.sh): every path, NT-style routine name and docs/spec.md
# section that a comment or doc names must exist. A script, run from the repository root.
HOST_TESTS += tools/checkrefs.sh
