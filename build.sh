#!/usr/bin/env bash
# NestedHv Dashboard build script.
#   ./build.sh test   installs what the tests need (fresh machine: only the .NET SDK), builds, runs every test
#   ./build.sh run    starts the dashboard in Development (the simulated lab when no hosts are configured)
#   ./build.sh publish   artifacts/NestedHvDashboard-<version>-{win-x64,linux-x64}.zip (framework-dependent) + SHA256SUMS
#   ./build.sh bench [scenario]   runs the benchmark harness in Release
#   ./build.sh check-host <host> [options]   checks a host with the dashboard's own engine (see README, Real hosts)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need_apt=()
sum_of() { grep -hoE "$1: +[0-9]+" "$results/console.log" | awk '{ s += $2 } END { print s + 0 }'; }
install_prerequisites() {
  # Real servers the tests start on loopback: sshd (PowerShell remoting over SSH to simulated hosts).
  command -v /usr/sbin/sshd >/dev/null 2>&1 || need_apt+=(openssh-server)
  command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
  command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
  # deploy/linux/install.sh (run by the deploy tests) checks the installed app's /healthz with curl.
  command -v curl >/dev/null 2>&1 || need_apt+=(curl)
  # The browser tests drive Debian's Chromium through Playwright (no browser is ever downloaded).
  command -v /usr/bin/chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # PostgreSQL's server binaries: the database tests run initdb and postgres themselves, a throwaway cluster on loopback.
  # Redis: the cluster tests run three instances against a redis-server they start on loopback.
  command -v /usr/bin/redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
  if ! command -v initdb >/dev/null 2>&1 && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then need_apt+=(postgresql); fi
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "== installing apt packages: ${need_apt[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    # Keep the packages from starting a system-wide sshd, PostgreSQL or Redis: the tests start their own, on loopback only.
    local added_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
      $SUDO chmod +x /usr/sbin/policy-rc.d
      added_policy=1
    fi
    # Nor create the system "main" cluster that the postgresql package makes by default.
    if [[ " ${need_apt[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      $SUDO mkdir -p /etc/postgresql-common
      echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${need_apt[@]}" >/dev/null
    [ -z "$added_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
  fi
  # pwsh 7.6.9 (the PowerShell dotnet tool) runs the simulated remote hosts.
  dotnet tool restore >/dev/null
}

cmd=${1:-test}
case "$cmd" in
  test)
    install_prerequisites
    dotnet build NestedHvDashboard.sln -c Release
    # The IL-only assemblies that every dashboard and pwsh host the tests start would JIT-compile again, compiled once
    # (see tests/precompile.sh); the SSH test hosts run the precompiled copy of the pwsh tool.
    NESTEDHV_TEST_PWSH=$(tests/precompile.sh Release)
    export NESTEDHV_TEST_PWSH
    results=$(mktemp -d)
    # The tests start many short-lived dashboards, pwsh hosts and test hosts on a CPU-bound 2-core box: without dynamic PGO
    # a dashboard spends ~2 s less CPU in its first half-minute (no instrumented tier to compile and re-compile), and it
    # does not change what any code does (SshTestHost forwards it to the SSH hosts' pwsh). `run` and a service keep the default.
    export DOTNET_TieredPGO=0
    set +e
    dotnet test NestedHvDashboard.sln -c Release --no-build --logger "trx" --results-directory "$results" 2>&1 | tee "$results/console.log"
    status=${PIPESTATUS[0]}
    set -e
    # One plain closing line for CI: totals over every test project.
    passed=$(sum_of Passed)
    failed=$(sum_of Failed)
    skipped=$(sum_of Skipped)
    echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
    exit "$status"
    ;;
  run)
    exec dotnet run --project src/NestedHvDashboard.Web -- "${@:2}"
    ;;
  publish)
    # Framework-dependent: the target needs the ASP.NET Core 10 runtime. The version is Directory.Build.props' <Version>.
    version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
    [ -n "$version" ] || { echo "no <Version> in Directory.Build.props" >&2; exit 1; }
    command -v zip >/dev/null 2>&1 || need_apt+=(zip)
    if [ ${#need_apt[@]} -gt 0 ]; then
      if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
      $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends zip >/dev/null
    fi
    rm -rf artifacts/publish artifacts/NestedHvDashboard-*.zip artifacts/SHA256SUMS
    for rid in win-x64 linux-x64; do
      dotnet publish src/NestedHvDashboard.Web -c Release -r "$rid" --self-contained false -o "artifacts/publish/NestedHvDashboard-$version-$rid"
    done
    for rid in win-x64 linux-x64; do
      name="NestedHvDashboard-$version-$rid"
      # The release carries what installs it (deploy/windows or deploy/linux), what prepares the hosts, the load balancer's
      # sticky-session examples for several instances (deploy/cluster), and the host
      # tools module for their JEA endpoint, exported by this very build (run from the linux-x64 copy, which runs here).
      mkdir -p "artifacts/publish/$name/deploy"
      cp -r deploy/hosts deploy/cluster "artifacts/publish/$name/deploy/"
      if [ "$rid" = win-x64 ]; then cp -r deploy/windows "artifacts/publish/$name/deploy/"; else cp -r deploy/linux "artifacts/publish/$name/deploy/"; fi
      dotnet "artifacts/publish/NestedHvDashboard-$version-linux-x64/NestedHvDashboard.Web.dll" export-host-tools \
        --to "artifacts/publish/$name/deploy/hosts/NestedHvDashboard.HostTools" >/dev/null
      # The app's files at the zip's top level (no folder): unpack it into the install folder.
      (cd "artifacts/publish/$name" && zip -qr "../../$name.zip" .)
    done
    (cd artifacts && sha256sum NestedHvDashboard-"$version"-*.zip > SHA256SUMS && cat SHA256SUMS)
    ;;
  bench)
    dotnet run -c Release --project tests/NestedHvDashboard.Benchmarks -- "${@:2}"
    ;;
  check-host)
    # Build messages go to stderr so that --json output stays clean JSON.
    dotnet build src/NestedHvDashboard.Web -c Release -v quiet -nologo >&2
    exec dotnet src/NestedHvDashboard.Web/bin/Release/net10.0/NestedHvDashboard.Web.dll check-host "${@:2}"
    ;;
  *)
    echo "usage: ./build.sh test | run | publish | bench [scenario] | check-host <host> [options]" >&2
    exit 2
    ;;
esac
