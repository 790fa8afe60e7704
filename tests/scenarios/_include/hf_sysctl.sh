# hf_sysctl NAME VALUE: /proc/sys is read-only in the sandbox, so a bind mount over the file
# stands in for sysctl -w (shared helper)
hf_sysctl() {
  f=/proc/sys/$(echo "$1" | tr . /)
  printf '%s\n' "$2" > "/run/hf-sysctl-$1"
  mount --bind "/run/hf-sysctl-$1" "$f"
}
