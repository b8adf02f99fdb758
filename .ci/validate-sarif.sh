#!/usr/bin/env bash
# Validates leakhound's SARIF with Microsoft's SARIF Multitool, the validator GitHub's own
# documentation points to. `--rule-kind "Ghas;Sarif"` runs the SARIF spec rules plus GitHub
# Advanced Security's upload requirements; any error or warning fails CI. Three reports are
# checked: the fixture tree (`leakhound scan`), a fixture history (`leakhound git`) built here
# with git, and a tree made from every builtin rule's own examples, so that every rule's
# metadata is checked (a rule the fixtures never trigger was never validated). The unit and
# schema tests live in tests/sarif.rs (`every_builtin_rule_gives_clean_sarif_metadata` checks
# the third report's rules offline); this is the end-to-end check.
#
# Needs: cargo, git, npm (the registry must be reachable), python3. Nothing is installed
# globally: the multitool goes into a temp dir that is removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

MULTITOOL_VERSION="${SARIF_MULTITOOL_VERSION:-5.7.0}"
command -v npm >/dev/null || { apt-get update && apt-get install -y npm; }
command -v python3 >/dev/null || { apt-get update && apt-get install -y python3; }

echo "== cargo build --locked (the binary the SARIF is made with)"
cargo build --locked
# Wherever cargo puts it: CARGO_TARGET_DIR, a .cargo/config.toml, or target/.
target_dir="$(cargo metadata --format-version 1 --no-deps --locked \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/debug/leakhound"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== npm install @microsoft/sarif-multitool-linux@$MULTITOOL_VERSION (into a temp dir)"
npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error \
  "@microsoft/sarif-multitool-linux@$MULTITOOL_VERSION"
multitool="$work/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
# npm's install-scripts policy blocks the package's own postinstall chmod.
chmod u+x "$multitool"

# Runs leakhound; exit 1 (findings) is the expected outcome, anything else is a failure.
run_leakhound() {
  local rc=0
  "$bin" "$@" || rc=$?
  if [ "$rc" -ne 1 ]; then
    echo "leakhound $* exited $rc, expected 1 (findings)" >&2
    exit 1
  fi
}

# Deterministic fake alphanumerics, so this script holds no literal secret.
fake() {
  python3 -c 'import random, string, sys
r = random.Random(int(sys.argv[2]))
print("".join(r.choice(string.ascii_letters + string.digits) for _ in range(int(sys.argv[1]))))' "$1" "$2"
}

echo "== report 1: the fixture tree"
run_leakhound scan fixtures/tree --format sarif --no-progress -o "$work/tree.sarif"

echo "== report 2: a fixture history"
repo="$work/repo"
mkdir -p "$repo"
g() {
  git -C "$repo" -c init.defaultBranch=main -c commit.gpgsign=false "$@"
}
export GIT_CONFIG_NOSYSTEM=1 HOME="$work"
export GIT_AUTHOR_NAME="Ada Lovelace" GIT_AUTHOR_EMAIL="ada@example.invalid"
export GIT_COMMITTER_NAME="Ada Lovelace" GIT_COMMITTER_EMAIL="ada@example.invalid"
export GIT_AUTHOR_DATE="2026-01-02T03:04:05Z" GIT_COMMITTER_DATE="2026-01-02T03:04:05Z"
g init -q
cp -R fixtures/tree/. "$repo/"                  # many rule kinds, still present at HEAD
g add -A && g commit -q -m "import the fixture tree"
mkdir -p "$repo/deploy"
printf 'APP=demo\nBINANCE_API_KEY=%s\nBINANCE_SECRET_KEY=%s\n' "$(fake 64 1)" "$(fake 64 2)" \
  >"$repo/deploy/prod.env"
g add -A && g commit -q -m "add exchange settings"
g rm -q deploy/prod.env && g commit -q -m "remove exchange settings"   # only in history now
run_leakhound git "$repo" --format sarif --no-progress -o "$work/history.sarif"

echo "== report 3: every builtin rule, from the rules' own examples"
# One file per example, at <rule id>/<n>/<the example's path, or "example">, as
# `leakhound rules check` scans it; rules/*.toml except the two tables that are not rules.
every="$work/every-rule"
python3 - rules "$every" <<'EOF'
import pathlib, sys, tomllib

rules_dir, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted(rules_dir.glob("*.toml")):
    if f.name in ("filters.toml", "published-samples.toml"):
        continue
    for rule in tomllib.loads(f.read_text()).get("rules", []):
        for i, ex in enumerate(rule.get("examples", [])):
            p = out / rule["id"] / str(i) / ex.get("path", "example")
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(ex["text"])
EOF
(cd "$every" && run_leakhound scan . --format sarif --no-progress -o "$work/every-rule.sarif")
"$bin" rules list --format json >"$work/rules.json"
# Every builtin rule that can be reported on its own must have a result: a rule without one is
# a rule the multitool never checks. A part with `standalone = false` (a passphrase) is only
# reported inside its secret's result, so it never appears in SARIF at all.
python3 - rules "$work/rules.json" "$work/every-rule.sarif" <<'EOF'
import json, pathlib, sys, tomllib

rules_dir, catalogue, sarif = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
builtin = {r["id"] for r in json.load(open(catalogue)) if r["origin"].startswith("builtin:")}
parts_only = set()
for f in rules_dir.glob("*.toml"):
    for rule in tomllib.loads(f.read_text()).get("rules", []):
        if rule.get("standalone", True) is False:
            parts_only.add(rule["id"])
run = json.load(open(sarif))["runs"][0]
found = {r["ruleId"] for r in run["results"]}
missing = sorted(builtin - parts_only - found)
for rule_id in missing:
    print(f"  no result for builtin rule {rule_id}: its examples found nothing in the tree")
print(
    f"  {len(found & builtin)} of {len(builtin)} builtin rules have results, "
    f"{len(parts_only & builtin)} are parts never reported alone; {len(run['results'])} results"
)
sys.exit(1 if missing else 0)
EOF

status=0
for report in tree history every-rule; do
  echo "== Sarif.Multitool validate $report.sarif"
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool" validate \
    --rule-kind "Ghas;Sarif" --level "Error;Warning" --log ForceOverwrite \
    -o "$work/$report.validation.sarif" "$work/$report.sarif"
  # The multitool exits 0 even when it finds problems: read its own SARIF output instead.
  python3 - "$work/$report.sarif" "$work/$report.validation.sarif" <<'EOF' || status=1
import json, sys

report = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
problems = []
for run in log.get("runs", []):
    rules = run["tool"]["driver"].get("rules") or []
    for r in run.get("results") or []:
        msg = r.get("message", {})
        text = msg.get("text")
        if text is None:
            idx = r.get("ruleIndex", -1)
            strings = rules[idx].get("messageStrings", {}) if 0 <= idx < len(rules) else {}
            template = strings.get(msg.get("id"), {}).get("text", "{0}")
            args = msg.get("arguments", [])
            try:
                text = template.format(*args)
            except (IndexError, KeyError):
                text = " ".join(args)
        problems.append(f"{r.get('level', 'warning')} {r.get('ruleId')}: {text}")
    for inv in run.get("invocations") or []:
        if not inv.get("executionSuccessful", False):
            problems.append("the multitool did not run successfully")
        for n in (inv.get("toolExecutionNotifications") or []) + (
            inv.get("toolConfigurationNotifications") or []
        ):
            if n.get("level", "warning") in ("error", "warning"):
                problems.append(f"multitool notification: {n.get('message', {}).get('text')}")

results = report["runs"][0]["results"]
if not results:
    problems.append("the report has no results, so it proves little")
for p in problems:
    print("  " + p)
print(f"  {len(results)} results validated: {len(problems)} errors or warnings")
sys.exit(1 if problems else 0)
EOF
done

if [ "$status" -ne 0 ]; then
  echo "SARIF validation failed" >&2
  exit 1
fi
echo "SARIF validation passed: no errors and no warnings (rule kinds Ghas;Sarif)"
