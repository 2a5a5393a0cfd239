# Sourced by the guest scripts: the kernel initiator's session with one target through iscsiadm.
# The sourcing script sets portal and target (chap_user and chap_secret for CHAP); login sets
# device to the LUN's /dev/disk/by-path link.

# Every external step is bounded, so a target that stops answering fails the run instead of hanging it.
readonly STEP_TIMEOUT=60

# Each step line carries the guest's uptime, which is how long the guest has been booted.
step() { echo "step: [$(cut -d' ' -f1 /proc/uptime)s] $*"; }
fail() { echo "${0##*/} failed: $*" >&2; exit 1; }
bounded() { timeout --kill-after=5 "$STEP_TIMEOUT" "$@"; }

node() { bounded iscsiadm -m node -T "$target" -p "$portal" "$@"; }
set_node() { node -o update -n "$1" -v "$2" > /dev/null; }

discover() {
  step "discovery at $portal"
  local output
  output="$(bounded iscsiadm -m discovery -t sendtargets -p "$portal")" || fail "discovery at $portal"
  echo "$output"
  # Lines read "ADDRESS:PORT,TPGT IQN"; the target must be advertised at the portal we reached it by.
  awk -v portal="$portal" -v target="$target" '$2 == target && index($1, portal ",") == 1 { found = 1 }
    END { exit !found }' <<< "$output" \
    || fail "SendTargets did not advertise $target at $portal"
}

configure_node() {
  if [[ -n ${chap_user:-} ]]; then
    step "CHAP on the node record"
    set_node node.session.auth.authmethod CHAP
    set_node node.session.auth.username "$chap_user"
    set_node node.session.auth.password "$chap_secret"
  fi
  step "timeouts on the node record"
  set_node node.session.initial_login_retry_max 2
  set_node node.conn[0].timeo.login_timeout 15
  set_node node.session.timeo.replacement_timeout 15
}

# The SCSI disk of this target's session, as the session listing names it.
attached_disk() {
  bounded iscsiadm -m session -P 3 2> /dev/null | awk -v target="$target" '
    /^Target: / { current = ($2 == target) }
    current && /Attached scsi disk/ { print $4; exit }'
}

login() {
  step "login to $target at $portal"
  node --login > /dev/null || fail "login to $target at $portal"
  local disk="" link="" waited=0
  # The kernel scans the LUN after login, then udev adds the by-path link: both take a moment.
  while (( waited < 300 )); do
    disk="$(attached_disk)"
    link="$(compgen -G "/dev/disk/by-path/ip-$portal-iscsi-$target-lun-*" | head -n 1 || true)"
    if [[ -n $disk && -b /dev/$disk && -n $link ]]; then break; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  [[ -n $disk && -b /dev/$disk ]] || fail "no SCSI disk attached after login"
  [[ -n $link ]] || fail "no /dev/disk/by-path link for $target at $portal"
  [[ "$(readlink -f "$link")" == "/dev/$disk" ]] || fail "$link does not point at /dev/$disk"
  device="$link"
  step "attached $link -> /dev/$disk ($(blockdev --getsize64 "/dev/$disk") bytes)"
}

logout() {
  step "logout"
  node --logout > /dev/null || fail "logout from $target"
  if bounded iscsiadm -m session 2> /dev/null | grep -q " $target\$"; then fail "a session remains after logout"; fi
}

# Checks the files listed in $2 (sha256sum format, paths relative to the mount point) after mounting
# $device read-only at $1, with fsck first.
verify_checksums() {
  local mount_point=$1 checksums=$2 report
  report="$(bounded fsck.ext4 -n -f "$device" 2>&1)" || fail "fsck.ext4 found errors on $device: $report"
  bounded mount -t ext4 -o ro "$device" "$mount_point" || fail "mounting $device again"
  (cd "$mount_point" && sha256sum --quiet -c "$checksums") || fail "checksums differ"
  step "$(wc -l < "$checksums") checksums match"
  bounded umount "$mount_point" || fail "unmounting $mount_point"
}
