#!/usr/bin/env bash
# Installs, upgrades and removes NestedHv Dashboard on a Linux management box, as a systemd service under a system user.
#
#   install.sh install   --from <published folder | .zip | .tar.gz> [--urls URLS] [--cert PEM --key PEM] [options]
#   install.sh upgrade   --from <published folder | .zip | .tar.gz> [options]
#   install.sh uninstall [--remove-data] [options]
#   install.sh status    [options]
#   install.sh stop | start [options]
#
# Options: --prefix DIR (install under DIR instead of /, to try it out), --user NAME (default nestedhv),
#          --no-systemd (start the app directly even where systemd runs), --health-timeout SECONDS (default 90),
#          --dry-run (print every change, make none).
#
# From Linux the dashboard reaches hosts over SSH only (PowerShell remoting over WinRM needs a Windows management box):
# prepare each host with deploy/hosts/Enable-NestedHvDashboardAccess.ps1 -Ssh and add the key this script prints.
#
# An upgrade stops the service, backs up the database (SQLite online backup, or pg_dump) and the keys into
# /var/backups/nestedhv-dashboard/<time>-<version>, points "current" at the new release, starts it and waits for
# /healthz; when the new release does not come up, it puts the old release, database and keys back and starts that.
set -euo pipefail

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }

command_name=${1:-}
[ -n "$command_name" ] || die "name a command: install, upgrade, uninstall, status, stop or start (see the top of this file)"
shift
from= prefix= user=nestedhv urls= cert= key= use_systemd=auto health_timeout=90 dry_run= remove_data=
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=${2:?--from needs a folder, .zip or .tar.gz}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --user) user=${2:?--user needs a name}; shift 2 ;;
    --urls) urls=${2:?--urls needs a value such as https://0.0.0.0:5443}; shift 2 ;;
    --cert) cert=${2:?--cert needs a PEM file}; shift 2 ;;
    --key) key=${2:?--key needs a PEM file}; shift 2 ;;
    --no-systemd) use_systemd=no; shift ;;
    --health-timeout) health_timeout=${2:?--health-timeout needs seconds}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --remove-data) remove_data=1; shift ;;
    *) die "unknown option '$1' (see the top of this file)" ;;
  esac
done
[[ "$user" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user '$user' is not a valid system user name"
[[ "$health_timeout" =~ ^[0-9]+$ ]] || die "--health-timeout '$health_timeout' is not a number of seconds"
if [ -n "$prefix" ]; then prefix=$(realpath -m "$prefix"); fi

name=nestedhv-dashboard
app=$prefix/opt/$name
etc=$prefix/etc/$name
data=$prefix/var/lib/$name
backups=$prefix/var/backups/$name
logs=$prefix/var/log/$name
unit=$prefix/etc/systemd/system/$name.service
pidfile=$prefix/run/$name.pid
here=$(cd "$(dirname "$0")" && pwd)
if [ "$use_systemd" = auto ]; then
  # systemd only for the real root: a --prefix install is a trial, started directly.
  if [ -z "$prefix" ] && [ -d /run/systemd/system ]; then use_systemd=yes; else use_systemd=no; fi
fi

run() {
  if [ -n "$dry_run" ]; then echo "would run: $*"; else "$@"; fi
}

write_file() { # path mode owner < content
  local path=$1 mode=$2 owner=$3 content
  content=$(cat)
  if [ -n "$dry_run" ]; then echo "would write $path ($mode, $owner)"; return; fi
  install -D -m "$mode" /dev/null "$path"
  printf '%s\n' "$content" > "$path"
  chown "$owner" "$path"
}

need_root() { [ "$(id -u)" -eq 0 ] || [ -n "$dry_run" ] || die "run as root (sudo): it creates a system user, folders and a service"; }

dotnet_path() {
  local dotnet
  dotnet=$(command -v dotnet || true)
  [ -n "$dotnet" ] || die "the .NET 10 runtime is not installed (no 'dotnet' on PATH); install the ASP.NET Core 10 runtime first"
  readlink -f "$dotnet"
}

# The published release to install, unpacked into a temporary folder when it is an archive; sets $release_dir.
unpack() {
  [ -n "$from" ] || die "$command_name needs --from <published folder, .zip or .tar.gz> (./build.sh publish makes them)"
  [ -e "$from" ] || die "--from $from does not exist"
  if [ -d "$from" ]; then
    release_dir=$(realpath "$from")
  else
    unpacked=$(mktemp -d)
    case "$from" in
      *.zip) command -v unzip >/dev/null || die "unzip is needed to read $from (apt-get install unzip), or give the unpacked folder"
             unzip -q "$from" -d "$unpacked" ;;
      *.tar.gz|*.tgz) tar -xzf "$from" -C "$unpacked" ;;
      *) die "--from $from is neither a folder, a .zip nor a .tar.gz" ;;
    esac
    # A zip may hold the release at its root or in one folder.
    release_dir=$unpacked
    if [ ! -f "$release_dir/NestedHvDashboard.Web.dll" ] && [ "$(find "$unpacked" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]; then
      release_dir=$(find "$unpacked" -mindepth 1 -maxdepth 1)
    fi
  fi
  [ -f "$release_dir/NestedHvDashboard.Web.dll" ] || die "$from holds no NestedHvDashboard.Web.dll: give the folder or archive that ./build.sh publish made for linux-x64"
  [ -d "$release_dir/wwwroot" ] || die "$from has no wwwroot folder: it is a build, not a published release (use ./build.sh publish)"
  version=$("$DOTNET" "$release_dir/NestedHvDashboard.Web.dll" version 2>/dev/null | tail -n 1) || die "$from does not run: '$DOTNET $release_dir/NestedHvDashboard.Web.dll version' failed"
  [[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || die "$from printed '$version' as its version"
}

# Copies the release into releases/<version>-<time>; sets $new_release.
place_release() {
  new_release=$app/releases/$version-$(date -u +%Y%m%dT%H%M%SZ)
  say "installing version $version into $new_release"
  run mkdir -p "$app/releases"
  run cp -a "$release_dir" "$new_release"
  run chown -R root:root "$new_release"
  run chmod -R go-w,a+rX "$new_release"
}

settings_env() { # the service's settings, for "env" on first install
  local listen=$urls
  if [ -z "$listen" ]; then
    if [ -n "$cert" ]; then listen=https://0.0.0.0:5443; else listen=http://127.0.0.1:5080; fi
  fi
  echo "# NestedHv Dashboard settings, one KEY=value per line (':' in a setting's name written as '__'). Read by the service only."
  echo "ASPNETCORE_URLS=$listen"
  echo "Auth__BootstrapAdminPasswordFile=$etc/admin-password"
  if [ -n "$cert" ]; then
    echo "Kestrel__Certificates__Default__Path=$etc/tls/certificate.pem"
    echo "Kestrel__Certificates__Default__KeyPath=$etc/tls/key.pem"
  fi
}

port_of() { local u=${1##*:}; echo "${u%%/*}"; }

write_unit() {
  local caps= listen
  listen=$(grep -E '^ASPNETCORE_URLS=' "$etc/env" 2>/dev/null | tail -n 1 | cut -d= -f2- || true)
  for u in ${listen//;/ }; do
    if [ "$(port_of "$u")" -lt 1024 ] 2>/dev/null; then caps=CAP_NET_BIND_SERVICE; fi
  done
  sed -e "s|@APP@|$app|g" -e "s|@ETC@|$etc|g" -e "s|@DATA@|$data|g" -e "s|@USER@|$user|g" -e "s|@DOTNET@|$DOTNET|g" -e "s|@CAPS@|$caps|g" \
    "$here/nestedhv-dashboard.service" | write_file "$unit" 0644 root:root
}

health_url() {
  local listen u port scheme
  listen=$(grep -E '^ASPNETCORE_URLS=' "$etc/env" | tail -n 1 | cut -d= -f2-)
  u=${listen%%;*}
  scheme=${u%%://*}
  port=$(port_of "$u")
  echo "$scheme://127.0.0.1:$port/healthz"
}

start_service() {
  if [ "$use_systemd" = yes ]; then
    run systemctl daemon-reload
    run systemctl enable --now "$name.service"
    return
  fi
  [ -n "$dry_run" ] && { echo "would start $DOTNET $app/current/NestedHvDashboard.Web.dll as $user (no systemd)"; return; }
  mkdir -p "$(dirname "$pidfile")" "$logs"
  chown "$user:$user" "$logs"
  # No systemd here (a container, a sandbox, a --prefix trial): the app runs directly as the service user, with the
  # unit's settings. It is not restarted on failure nor started at boot; say so.
  # shellcheck disable=SC2016
  # setpriv execs (no parent left behind), so the pid written below is the app's own.
  setsid setpriv --reuid "$user" --regid "$user" --init-groups -- /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$data" \
    ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 DataFolder="$data" \
    /bin/bash -c 'set -a; . "$1"; set +a; cd "$2" && exec "$3" "$2/NestedHvDashboard.Web.dll"' start "$etc/env" "$app/current" "$DOTNET" \
    >>"$logs/console.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  say "systemd is not running here: started the dashboard directly (pid $(cat "$pidfile"), output in $logs/console.log); it will not restart on failure nor start at boot"
}

stop_service() {
  if [ "$use_systemd" = yes ]; then
    if systemctl is-active --quiet "$name.service" 2>/dev/null; then run systemctl stop "$name.service"; fi
    return
  fi
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if [ -n "$dry_run" ]; then echo "would stop pid $pid"; return; fi
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -f "$pidfile"
}

service_running() {
  if [ "$use_systemd" = yes ]; then systemctl is-active --quiet "$name.service"; return; fi
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# Waits for /healthz to answer 200 with the expected version in its X-NestedHv-Version header; false when it does
# not within the timeout.
wait_healthy() {
  local expected=$1 url headers seen deadline
  [ -n "$dry_run" ] && { echo "would wait for $(health_url) to report version $expected"; return 0; }
  url=$(health_url)
  deadline=$(( $(date +%s) + health_timeout ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! service_running; then echo "the dashboard stopped while starting" >&2; return 1; fi
    # -k: this is the service's own certificate on loopback, checked for life, not for trust.
    if headers=$(curl -fsS -k --max-time 5 -D - -o /dev/null "$url" 2>/dev/null); then
      seen=$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^[Xx]-[Nn]ested[Hh][Vv]-[Vv]ersion: *//p' | tail -n 1)
      if [ "$seen" = "$expected" ]; then
        say "$url answers: ok, version $seen"
        return 0
      fi
    fi
    sleep 1
  done
  echo "$url did not report version $expected within $health_timeout s" >&2
  return 1
}

backup_now() { # label -> sets $backup
  backup=$backups/$(date -u +%Y%m%dT%H%M%SZ)-$1
  say "backing up the database and the keys to $backup"
  if [ -n "$dry_run" ]; then echo "would run: $DOTNET $app/current/NestedHvDashboard.Web.dll backup --to $backup"; return; fi
  mkdir -p "$backups"
  chmod 0700 "$backups"
  (set -a; . "$etc/env"; set +a; cd "$app/current" && ASPNETCORE_ENVIRONMENT=Production DataFolder="$data" "$DOTNET" NestedHvDashboard.Web.dll backup --to "$backup") \
    || die "the backup failed (above); nothing was changed, the old release is still in place"
  chmod -R go-rwx "$backup"
}

restore_from() {
  (set -a; . "$etc/env"; set +a; cd "$app/current" && ASPNETCORE_ENVIRONMENT=Production DataFolder="$data" "$DOTNET" NestedHvDashboard.Web.dll restore --from "$1")
  chown -R "$user:$user" "$data"
}

do_install() {
  need_root
  DOTNET=$(dotnet_path)
  [ ! -e "$app/current" ] || die "already installed in $app (version $(readlink "$app/current" | xargs basename)); use 'upgrade'"
  if [ -n "$cert$key" ]; then
    [ -n "$cert" ] && [ -n "$key" ] || die "--cert and --key go together (PEM certificate and its private key)"
    [ -r "$cert" ] || die "--cert $cert cannot be read"
    [ -r "$key" ] || die "--key $key cannot be read"
  fi
  unpack
  if ! id -u "$user" >/dev/null 2>&1; then
    say "creating system user $user (home $data, no login)"
    run useradd --system --user-group --home-dir "$data" --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  run install -d -m 0700 -o "$user" -g "$user" "$data"
  run install -d -m 0750 -o root -g "$user" "$etc"
  if [ -n "$cert" ]; then
    run install -D -m 0644 -o root -g root "$cert" "$etc/tls/certificate.pem"
    run install -D -m 0640 -o root -g "$user" "$key" "$etc/tls/key.pem"
  fi
  if [ ! -e "$etc/env" ]; then settings_env | write_file "$etc/env" 0640 "root:$user"; fi
  if [ ! -e "$etc/admin-password" ]; then
    # Upper, lower, digit and a sign, as the sign-in's password rules want; kept in a file only root and the service read.
    printf 'Nh-%s7a\n' "$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)" | write_file "$etc/admin-password" 0640 "root:$user"
  fi
  place_release
  run ln -sfn "$new_release" "$app/current"
  write_unit
  start_service
  if ! wait_healthy "$version"; then
    die "version $version was installed but did not come up; see $( [ "$use_systemd" = yes ] && echo "journalctl -u $name" || echo "$logs/console.log") and $data/logs"
  fi
  say "installed version $version. Sign in as admin with the password in $etc/admin-password, then change it."
  say "settings: $etc/env; data: $data; from Linux, hosts are reached over SSH: the service's key goes in $data/.ssh"
}

do_upgrade() {
  need_root
  DOTNET=$(dotnet_path)
  [ -L "$app/current" ] || die "nothing is installed in $app; use 'install'"
  unpack
  local old_release
  old_release=$(readlink -f "$app/current")
  local old_version
  old_version=$(basename "$old_release")
  say "upgrading $old_version to $version"
  stop_service
  backup_now "$old_version"
  place_release
  run ln -sfn "$new_release" "$app/current"
  write_unit
  start_service
  if wait_healthy "$version"; then
    say "upgraded to version $version; the backup of $old_version is in $backup"
    return 0
  fi
  echo "== version $version did not come up: rolling back to $old_version" >&2
  stop_service
  ln -sfn "$old_release" "$app/current"
  write_unit
  restore_from "$backup" || die "rolling back: restoring $backup failed (above); the old release is in place but the database may be the new version's: restore it by hand with 'dotnet $old_release/NestedHvDashboard.Web.dll restore --from $backup'"
  start_service
  if wait_healthy "${old_version%-*}"; then
    die "version $version failed to start; rolled back to $old_version with the database and keys of $backup. The failed release stays in $new_release for a look"
  fi
  die "version $version failed to start, and after the roll back $old_version does not come up either; see the logs"
}

do_uninstall() {
  need_root
  stop_service
  if [ "$use_systemd" = yes ] && [ -e "$unit" ]; then run systemctl disable "$name.service" || true; fi
  run rm -f "$unit" "$pidfile"
  if [ "$use_systemd" = yes ]; then run systemctl daemon-reload; fi
  run rm -rf "$app"
  if [ -n "$remove_data" ]; then
    run rm -rf "$data" "$etc" "$backups" "$logs"
    if id -u "$user" >/dev/null 2>&1; then run userdel "$user"; fi
    say "removed the dashboard, its data, settings, backups and user $user"
  else
    say "removed the dashboard; kept its data ($data), settings ($etc) and backups ($backups): --remove-data deletes them"
  fi
}

do_status() {
  if [ -L "$app/current" ]; then echo "installed: $(basename "$(readlink -f "$app/current")")"; else echo "installed: no"; fi
  if service_running; then echo "running: yes"; else echo "running: no"; fi
  if [ -d "$backups" ]; then echo "backups: $(find "$backups" -mindepth 1 -maxdepth 1 | wc -l) in $backups"; fi
}

case "$command_name" in
  install) do_install ;;
  upgrade) do_upgrade ;;
  uninstall) do_uninstall ;;
  status) do_status ;;
  stop) need_root; stop_service ;;
  start) need_root; DOTNET=$(dotnet_path); service_running && die "already running"; start_service; wait_healthy "$(basename "$(readlink -f "$app/current")" | sed 's/-[^-]*$//')" ;;
  *) die "unknown command '$command_name': install, upgrade, uninstall, status, stop or start" ;;
esac
