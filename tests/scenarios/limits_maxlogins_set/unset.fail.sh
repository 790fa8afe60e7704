sed -i '/maxlogins/d' /etc/security/limits.conf
rm -f /etc/security/limits.d/*.conf
