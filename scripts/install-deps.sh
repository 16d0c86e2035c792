#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine. Idempotent: skips what is already there.
set -euo pipefail
pkgs=(iproute2 iputils-ping netcat-openbsd iptables nftables containernetworking-plugins containerd runc
      busybox-static hyperfine conntrack iperf3 socat procps)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages (${missing[*]}); run as root to install them" >&2
  else
    echo "install-deps: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
cd "$(dirname "$0")/.."
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  NODE_EXTRA_CA_CERTS= npm ci --no-audit --no-fund
  touch "$stamp"
fi
