# shellcheck shell=bash
# Debian root folders for the clusters that need a newer Slurm than the host
# has: 24.11 from trixie and 26.05 from sid, built with debootstrap and run
# with chroot. A folder's name carries a hash of its package list, so a
# changed list builds a new folder and an unchanged one is reused.

DEBIAN_MIRROR="${GHA_SLURM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# curl is there for the batch scripts, which call back to the service on 127.0.0.1.
ROOTFS_PACKAGES=(slurmctld slurmd slurmrestd slurm-client slurm-wlm-jwt-plugin curl bash ca-certificates procps passwd)

rootfs_path() {
  local suite="$1" hash
  hash="$(printf '%s\n' "$suite" "$DEBIAN_MIRROR" "${ROOTFS_PACKAGES[@]}" | sort | sha256sum | cut -c1-12)"
  printf '%s\n' "$CACHE_DIR/rootfs/$suite-$hash"
}

# Builds the root folder unless it is complete. debootstrap writes into a
# temporary folder that is renamed only on success, so an interrupted build
# never looks complete.
ensure_rootfs() {
  [[ -d $ROOT_DIR ]] && return 0
  require_commands debootstrap:debootstrap

  local tmp="$ROOT_DIR.partial"
  local packages
  packages="$(IFS=, && printf '%s' "${ROOTFS_PACKAGES[*]}")"
  rm -rf --one-file-system "$tmp"
  mkdir -p "$(dirname "$ROOT_DIR")"
  log "building $ROOT_DIR with debootstrap $SUITE (takes about a minute; output in $tmp.log)"
  if ! debootstrap --variant=minbase --include="$packages" "$SUITE" "$tmp" "$DEBIAN_MIRROR" >"$tmp.log" 2>&1; then
    die "debootstrap $SUITE failed; see $tmp.log and $tmp/debootstrap/debootstrap.log"
  fi
  mv "$tmp" "$ROOT_DIR"
  mv "$tmp.log" "$ROOT_DIR.log"
}

# The mounts a chroot cluster needs, in mount order. The state folder is
# mounted at the same path inside, so slurm.conf paths are the same on both sides.
rootfs_mounts() {
  printf '%s\n' /proc /dev /sys "$STATE_DIR"
}

mount_rootfs() {
  local source target
  cp /etc/hosts "$ROOT_DIR/etc/hosts"
  while read -r source; do
    target="$ROOT_DIR$source"
    mkdir -p "$target"
    mountpoint -q "$target" && continue
    mount --bind "$source" "$target"
  done < <(rootfs_mounts)
  printf '%s\n' "$ROOT_DIR" >"$STATE_DIR/run/rootdir"
}

# Unmounts in reverse order. A mount still busy is detached lazily, so the
# next start gets a clean folder.
unmount_rootfs() {
  local source target
  while read -r source; do
    target="$ROOT_DIR$source"
    mountpoint -q "$target" || continue
    if ! umount "$target" 2>/dev/null; then
      log "$target is busy; detaching it lazily"
      umount -l "$target"
    fi
  done < <(rootfs_mounts | tac)
}

# Kills every process whose root is the chroot, so none keeps a mount busy.
kill_rootfs_processes() {
  local signal proc_dir pid root found
  for signal in TERM KILL; do
    found=0
    for proc_dir in /proc/[0-9]*; do
      pid="${proc_dir#/proc/}"
      root="$(readlink "$proc_dir/root" 2>/dev/null)" || continue
      [[ $root == "$ROOT_DIR" ]] || continue
      kill "-$signal" "$pid" 2>/dev/null && found=1
    done
    ((found)) || return 0
    sleep 2
  done
}
