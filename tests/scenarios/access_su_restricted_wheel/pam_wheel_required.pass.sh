# uncomment Debian's own line: auth required pam_wheel.so
sed -i 's/^# auth       required   pam_wheel.so$/auth       required   pam_wheel.so use_uid/' /etc/pam.d/su
grep -q '^auth  *required  *pam_wheel.so' /etc/pam.d/su || exit 1
