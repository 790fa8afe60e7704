# hardening rollback (POSIX sh): restore every path of the newest backup of this bundle,
# byte for byte with mode, owner and SELinux context; remove paths that did not exist.
LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
HF_BACKUP=$(ls -1d "$HF_BACKUP_ROOT"/*Z/ 2>/dev/null | sort | tail -n 1)
HF_BACKUP=${HF_BACKUP%/}
if [ -z "$HF_BACKUP" ] || [ ! -f "$HF_BACKUP/index" ]; then
  echo "hardening: no backup of bundle $HF_BUNDLE on this host (nothing was applied?)"; exit 3
fi
[ "$HF_APPLY" = 1 ] || echo "dry run: would restore from $HF_BACKUP:"
hf_failed=0; hf_sshd=0
while IFS='	' read -r hf_kind hf_path hf_state hf_mode hf_uid hf_gid hf_ctx hf_seq; do
  [ "$hf_kind" = file ] || continue
  case "$hf_path" in /etc/ssh/*) hf_sshd=1 ;; esac
  if [ "$HF_APPLY" != 1 ]; then echo "  $hf_path ($hf_state)"; continue; fi
  if [ "$hf_state" = present ]; then
    cp -p -- "$HF_BACKUP/files/$hf_seq" "$hf_path" && chown "$hf_uid:$hf_gid" -- "$hf_path" &&
      chmod "$hf_mode" -- "$hf_path" || { echo "FAILED: $hf_path"; hf_failed=1; continue; }
    [ "$hf_ctx" = "?" ] || [ -z "$hf_ctx" ] || chcon -- "$hf_ctx" "$hf_path" 2>/dev/null || true
    echo "restored $hf_path"
  else
    rm -f -- "$hf_path" && echo "removed $hf_path (it did not exist before)"
  fi
done < "$HF_BACKUP/index"
if [ "$HF_APPLY" = 1 ] && [ "$hf_sshd" = 1 ]; then
  if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; else
    kill -HUP "$(cat /run/sshd.pid 2>/dev/null || pgrep -o -x sshd)"; fi && echo "sshd reloaded"
fi
[ "$HF_APPLY" = 1 ] && [ "$hf_failed" = 0 ] && mv "$HF_BACKUP" "$HF_BACKUP.rolled-back" && echo "rollback complete"
exit $hf_failed
