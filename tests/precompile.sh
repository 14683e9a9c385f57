#!/usr/bin/env bash
# tests/precompile.sh [configuration]: run by `./build.sh test` after the build. Prints the path of a pwsh.dll for the SSH
# test hosts (build.sh puts it in NESTEDHV_TEST_PWSH); everything else goes to stderr.
#
# Why: the test run starts about a hundred dashboards and several hundred pwsh processes (one per SSH session to a simulated
# host), each for a few seconds, on a CPU-bound 2-core box. The PowerShell 7.6.9 dotnet tool, the PowerShell SDK's
# assemblies, MudBlazor, EF Core and the rest ship as IL only, so every one of those processes JIT-compiled the same methods
# again: a pwsh start with the simulator module took 1.55 s of CPU, 0.86 s with these assemblies precompiled; a dashboard's
# start and first half-minute ~1.5 s less. This compiles them once (ReadyToRun, with the crossgen2 the SDK picks for its
# runtime) and puts the compiled copies in place of the IL ones in the build output. The code that runs is the same; only
# when it is compiled changes, and methods crossgen2 cannot compile are still JIT-compiled at run time.
#
# Only the assemblies named below and only a file that is byte for byte the one compiled (by MD5) is replaced; the pwsh
# tool itself is copied to artifacts/test-tools, never changed in the NuGet cache. Not linux-x64: nothing is done, and
# the tests take the pwsh tool as restored.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
log() { echo "== precompile: $*" >&2; }

pwsh_version=$(sed -n '/"powershell"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' dotnet-tools.json)
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
pwsh_tool=$packages/powershell/$pwsh_version/tools/net10.0/any/unix
[ -f "$pwsh_tool/pwsh.dll" ] || { log "pwsh $pwsh_version is not restored at $pwsh_tool (dotnet tool restore)"; exit 1; }
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  log "skipped: the crossgen2 pack is asked for linux-x64 only"
  echo "$pwsh_tool/pwsh.dll"
  exit 0
fi

# IL-only assemblies that a dashboard, a test host or a pwsh session loads (found from /proc/<pid>/maps of each), largest
# first. Of the solution's own, only the simulator (every pwsh session imports it): precompiling the dashboard's own
# assemblies too changed its start-up CPU by nothing measurable, and NestedHvDashboard.Web alone took 5 s to compile.
names=(
  MudBlazor System.Management.Automation Microsoft.EntityFrameworkCore StackExchange.Redis
  Microsoft.EntityFrameworkCore.Relational Npgsql Microsoft.PowerShell.Commands.Utility Newtonsoft.Json Microsoft.OpenApi
  Microsoft.PowerShell.Commands.Management MessagePack NestedHvDashboard.Simulator
  Microsoft.ApplicationInsights Microsoft.EntityFrameworkCore.Sqlite
  Microsoft.PowerShell.ConsoleHost Microsoft.Management.Infrastructure Microsoft.AspNetCore.OpenApi Microsoft.Data.Sqlite
  Serilog Microsoft.PowerShell.Security pwsh
)

# The compiler and the runtime packs to compile against, as the SDK resolves them for a ReadyToRun publish.
resolved=$(dotnet msbuild tests/NestedHvDashboard.ReadyToRun/NestedHvDashboard.ReadyToRun.csproj -restore -nologo \
  -t:ResolveFrameworkReferences,ResolveReadyToRunCompilers -getItem:Crossgen2Tool -getItem:ResolvedRuntimePack \
  -p:Configuration="$configuration")
crossgen=$(grep -m1 -o '"Identity": *"[^"]*crossgen2[^"]*"' <<<"$resolved" | sed 's/.*: *"\(.*\)"/\1/')
references=()
while read -r pack; do
  references+=(-r "$pack/runtimes/linux-x64/lib/net10.0/*.dll")
done < <(grep -o '"PackageDirectory": *"[^"]*"' <<<"$resolved" | sed 's/.*: *"\(.*\)"/\1/')
[ -x "$crossgen" ] && [ ${#references[@]} -gt 0 ] || { log "the SDK named no crossgen2 or runtime pack:"; echo "$resolved" >&2; exit 1; }

cache=artifacts/test-tools/ready-to-run
mkdir -p "$cache"
compiled=0 replaced=0
# precompile <file> <folder whose assemblies it references>: replaces the file by its compiled copy (cached by MD5).
precompile() {
  local file=$1 folder=$2 sum
  sum=$(md5sum "$file" | cut -d' ' -f1)
  [ -e "$cache/$sum.compiled" ] && return 0  # already a compiled copy
  if [ ! -f "$cache/$sum.dll" ]; then
    local extra=()
    for dir in "$folder"/runtimes/unix/lib/*/ "$folder"/runtimes/linux-x64/lib/*/; do
      if [ -d "$dir" ]; then extra+=(-r "$dir*.dll"); fi
    done
    "$crossgen" "$file" -o "$cache/$sum.tmp" --targetos linux --targetarch x64 -O \
      "${references[@]}" -r "$folder/*.dll" "${extra[@]}" >/dev/null
    mv "$cache/$sum.tmp" "$cache/$sum.dll"
    touch "$cache/$(md5sum "$cache/$sum.dll" | cut -d' ' -f1).compiled"
    compiled=$((compiled + 1))
  fi
  cp "$cache/$sum.dll" "$file"
  replaced=$((replaced + 1))
}

# A folder's own copies: its top level, runtimes/unix (PowerShell) and the simulator module that pwsh hosts import.
precompile_folder() {
  local folder=$1 name file
  for name in "${names[@]}"; do
    for file in "$folder/$name.dll" "$folder"/runtimes/unix/lib/*/"$name.dll" "$folder"/Module/*/"$name.dll"; do
      if [ -f "$file" ]; then precompile "$file" "$folder"; fi
    done
  done
}

start=$SECONDS
pwsh_copy=artifacts/test-tools/pwsh-$pwsh_version
rm -rf "$pwsh_copy"
mkdir -p "$(dirname "$pwsh_copy")"
cp -r "$pwsh_tool" "$pwsh_copy"
precompile_folder "$pwsh_copy"
for folder in src/NestedHvDashboard.Web/bin/"$configuration"/net10.0 tests/*/bin/"$configuration"/net10.0; do
  if [ -d "$folder" ]; then precompile_folder "$folder"; fi
done
log "$compiled assemblies compiled, $replaced copies replaced in $((SECONDS - start)) s (crossgen2: $crossgen)"
echo "$PWD/$pwsh_copy/pwsh.dll"
