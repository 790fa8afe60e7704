# hardening remediation library (POSIX sh). Dry run unless HF_APPLY=1.
# Every change goes through hf_backup first; rollback.sh restores from the backup index.
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
umask 077
HF_T=$(mktemp -d 2>/dev/null) || { echo "hardening: cannot create a temporary folder" >&2; exit 1; }
trap 'rm -rf "$HF_T"' EXIT
trap 'rm -rf "$HF_T"; exit 98' INT TERM HUP
HF_STAMP=$(date -u +%Y%m%dT%H%M%SZ)
HF_BACKUP="$HF_BACKUP_ROOT/$HF_STAMP"
HF_RULE_CHANGED=0
HF_RULE_FAILED=0
HF_FAILURES=0
HF_SSHD_RELOAD=0
HF_RESTART_NEEDED=0
HF_SEQ=0

hf_say() { printf '%s\n' "$*"; }

# Record a path's content and metadata once per run, before its first change.
hf_backup() {
  [ "$HF_APPLY" = 1 ] || return 0
  if [ -f "$HF_BACKUP/index" ] && awk -F '\t' -v p="$1" '$2 == p { found = 1 } END { exit !found }' "$HF_BACKUP/index"; then
    return 0
  fi
  mkdir -p "$HF_BACKUP/files" || return 1
  HF_SEQ=$((HF_SEQ + 1))
  if [ -e "$1" ] || [ -L "$1" ]; then
    cp -p -- "$1" "$HF_BACKUP/files/$HF_SEQ" || return 1
    hf_ctx=$(stat -c %C -- "$1" 2>/dev/null) || hf_ctx="?"
    set -- "$1" $(stat -c '%a %u %g' -- "$1")
    printf 'file\t%s\tpresent\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${hf_ctx:-?}" "$HF_SEQ" >> "$HF_BACKUP/index"
  else
    printf 'file\t%s\tabsent\t-\t-\t-\t-\t%s\n' "$1" "$HF_SEQ" >> "$HF_BACKUP/index"
  fi
}

# Show the change from $1 to the candidate $2; apply it (content only: mode and owner stay) when HF_APPLY=1.
# $3: mode for a file that does not exist yet. Returns 0 when it changed (or would change) something.
hf_propose() {
  if [ -f "$1" ] && cmp -s -- "$1" "$2"; then
    return 1
  fi
  if [ -f "$1" ]; then
    diff -u --label "$1" --label "$1 (hardened)" -- "$1" "$2"
  else
    diff -u --label "$1 (absent)" --label "$1 (hardened)" /dev/null "$2"
  fi
  HF_RULE_CHANGED=1
  [ "$HF_APPLY" = 1 ] || return 0
  hf_backup "$1" || { hf_say "FAILED: cannot back up $1"; HF_RULE_FAILED=1; return 0; }
  if [ -f "$1" ]; then
    cat "$2" > "$1"
  else
    mkdir -p "$(dirname -- "$1")" && cat "$2" > "$1" && chmod "${3:-0644}" "$1" && chown 0:0 "$1"
  fi || { hf_say "FAILED: cannot write $1"; HF_RULE_FAILED=1; }
  return 0
}

# Set KEY to VALUE in a key/value file: every uncommented occurrence is rewritten (so whichever
# occurrence the reader honours, first or last, has the value); appended when absent.
hf_set_kv() {  # path key value separator
  hf_new="$HF_T/kv"
  if [ -f "$1" ]; then cp -- "$1" "$hf_new"; else : > "$hf_new"; fi
  HF_K="$2" HF_V="$3" HF_S="$4" awk '
    BEGIN { k = ENVIRON["HF_K"]; line = k ENVIRON["HF_S"] ENVIRON["HF_V"]; done = 0 }
    { sub(/\r$/, "") }
    {
      s = $0; sub(/^[ \t]*/, "", s)
      if (index(s, k) == 1) {
        rest = substr(s, length(k) + 1)
        if (rest == "" || rest ~ /^[ \t=]/) { print line; done = 1; next }
      }
      print
    }
    END { if (!done) print line }' "$hf_new" > "$hf_new.out" && mv "$hf_new.out" "$hf_new"
  hf_propose "$1" "$hf_new" 0644
}

# Make a file's permissions at most MODE and its owner/group as given.
hf_permissions() {  # path mode owner group
  [ -e "$1" ] || { hf_say "SKIPPED: $1 does not exist"; return 0; }
  hf_cur=$(stat -c '%a %U %G' -- "$1")
  hf_want="$(printf '%o' "0$2") $3 $4"
  [ "$hf_cur" = "$hf_want" ] && return 0
  # keep a stricter mode than asked: only remove bits
  hf_mode=$(printf '%o' $(( 0$(stat -c %a -- "$1") & 0$2 )))
  hf_say "would run: chmod $hf_mode $1; chown $3:$4 $1   (now: $hf_cur)"
  hf_after="$hf_mode $3 $4"
  [ "$hf_cur" = "$hf_after" ] && return 0
  HF_RULE_CHANGED=1
  [ "$HF_APPLY" = 1 ] || return 0
  hf_backup "$1" && chown "$3:$4" -- "$1" && chmod "$hf_mode" -- "$1" || { hf_say "FAILED: chmod/chown $1"; HF_RULE_FAILED=1; }
}

# Write a whole file (content in $2) with mode $3.
hf_write_file() {  # path contentfile mode
  hf_propose "$1" "$2" "$3"
  if [ "$HF_APPLY" = 1 ] && [ -f "$1" ] && [ "$(stat -c %a -- "$1")" != "$(printf '%o' "0$3")" ]; then
    hf_backup "$1" && chmod "$3" "$1"
  fi
}

# Rewrite the global (before any Match block) occurrences of an sshd keyword in one file.
hf_sshd_rewrite() {  # file keyword value
  HF_K="$2" HF_V="$3" awk '
    BEGIN { k = tolower(ENVIRON["HF_K"]); inmatch = 0 }
    { line = $0; sub(/\r$/, "", line); s = line; sub(/^[ \t]*/, "", s); w = tolower(s); sub(/[ \t=].*/, "", w) }
    w == "match" { inmatch = 1 }
    !inmatch && w == k { print ENVIRON["HF_K"] " " ENVIRON["HF_V"]; next }
    { print line }' "$1" > "$HF_T/sshd-file"
  hf_propose "$1" "$HF_T/sshd-file" 0600
}

# Does this file set the keyword globally (outside Match blocks)?
hf_sshd_sets() {  # file keyword
  HF_K="$2" awk 'BEGIN { k = tolower(ENVIRON["HF_K"]) }
    { s = $0; sub(/^[ \t]*/, "", s); w = tolower(s); sub(/[ \t=\r].*/, "", w) }
    w == "match" { exit 1 } w == k { found = 1; exit 0 } END { exit !found }' "$1"
}

# Make sshd's effective value of a keyword VALUE: rewrite every global occurrence in sshd_config and
# its drop-ins (sshd keeps the first value it reads, so all must agree); add it where sshd reads
# first when it is set nowhere. Then sshd -t, and sshd -T must report the value; else restore.
hf_sshd_option() {  # keyword value
  hf_found=0
  for hf_file in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do
    [ -f "$hf_file" ] && hf_sshd_sets "$hf_file" "$1" || continue
    hf_found=1
    hf_sshd_rewrite "$hf_file" "$1" "$2"
  done
  if [ "$hf_found" = 0 ]; then
    if grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/' /etc/ssh/sshd_config 2>/dev/null; then
      hf_set_kv /etc/ssh/sshd_config.d/00-hardening.conf "$1" "$2" " "
    else
      { printf '%s %s\n' "$1" "$2"; cat /etc/ssh/sshd_config; } > "$HF_T/sshd-top"
      hf_propose /etc/ssh/sshd_config "$HF_T/sshd-top" 0600
    fi
  fi
  [ "$HF_APPLY" = 1 ] && [ "$HF_RULE_CHANGED" = 1 ] || return 0
  hf_effective=$(sshd -T 2>"$HF_T/sshd-t" | awk -v k="$1" 'tolower($1) == tolower(k) { $1 = ""; sub(/^ /, ""); print tolower($0) }')
  if [ -s "$HF_T/sshd-t" ] && ! sshd -t 2>/dev/null || [ "$hf_effective" != "$(printf '%s' "$2" | tr 'A-Z' 'a-z')" ]; then
    hf_say "FAILED: sshd rejected or ignored the change ($(head -n 1 "$HF_T/sshd-t"); effective: $hf_effective); restoring"
    hf_restore_all
    HF_RULE_FAILED=1
    return 0
  fi
  HF_SSHD_RELOAD=1
}

# Refuse a change that could lock administrators out unless another admin can log in with a key.
hf_require_admin_key() {
  for hf_user in $(awk -F: '$1 == "sudo" || $1 == "wheel" || $1 == "admin" { gsub(/,/, " ", $4); print $4 }' /etc/group); do
    [ "$hf_user" = root ] && continue
    hf_home=$(awk -F: -v u="$hf_user" '$1 == u { print $6 }' /etc/passwd)
    [ -n "$hf_home" ] && [ -s "$hf_home/.ssh/authorized_keys" ] && return 0
  done
  hf_say "REFUSED: no administrator other than root (a member of sudo/wheel with ~/.ssh/authorized_keys) exists; create one first"
  HF_RULE_FAILED=1
  return 1
}

# Put back every path of this run's backup (a failed validation must leave no half change).
hf_restore_all() {
  [ -f "$HF_BACKUP/index" ] || return 0
  while IFS='	' read -r _kind hf_path hf_state hf_mode hf_uid hf_gid hf_ctx hf_seq; do
    if [ "$hf_state" = present ]; then cp -p -- "$HF_BACKUP/files/$hf_seq" "$hf_path"; else rm -f -- "$hf_path"; fi
  done < "$HF_BACKUP/index"
}

hf_rule_begin() {  # id title
  HF_RULE_CHANGED=0; HF_RULE_FAILED=0
  hf_say ""
  hf_say "== $1: $2"
}

hf_rule_end() {  # id
  if [ "$HF_RULE_FAILED" = 1 ]; then
    HF_FAILURES=$((HF_FAILURES + 1)); hf_say "-- $1: FAILED"
  elif [ "$HF_RULE_CHANGED" = 0 ]; then
    hf_say "-- $1: already compliant"
  elif [ "$HF_APPLY" = 1 ]; then
    hf_say "-- $1: changed"
  else
    hf_say "-- $1: would change (dry run; rerun with --apply)"
  fi
}

hf_finish() {
  if [ "$HF_SSHD_RELOAD" = 1 ] && [ "$HF_APPLY" = 1 ]; then
    # reload keeps established sessions (this one included); sshd re-reads its configuration
    if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; else
      kill -HUP "$(cat /run/sshd.pid 2>/dev/null || pgrep -o -x sshd)"; fi && hf_say "sshd reloaded"
  fi
  [ "$HF_RESTART_NEEDED" = 1 ] && hf_say "NOTE: some changes take effect only after a restart (not done: --allow-restart not given)"
  [ "$HF_APPLY" = 1 ] && [ -d "$HF_BACKUP" ] && hf_say "backup: $HF_BACKUP"
  [ "$HF_APPLY" = 1 ] || hf_say "dry run: nothing was changed"
  [ "$HF_FAILURES" = 0 ]
}
