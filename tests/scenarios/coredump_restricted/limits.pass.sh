hf_sysctl() { # /proc/sys is read-only in the sandbox: a bind mount stands in for sysctl -w
  f=/proc/sys/$(echo "$1" | tr . /)
  printf '%s\n' "$2" > "/run/hf-sysctl-$1"
  mount --bind "/run/hf-sysctl-$1" "$f"
}
hf_sysctl fs.suid_dumpable 0
mkdir -p /etc/security/limits.d
echo '* hard core 0' > /etc/security/limits.d/50-mlps-core.conf
