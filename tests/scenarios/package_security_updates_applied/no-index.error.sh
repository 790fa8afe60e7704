# apt-get update never ran against a security suite: undecidable, not a pass
rm -f /var/lib/apt/lists/*security*
