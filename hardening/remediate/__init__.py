"""Remediation lifecycle: generate a bundle, review, approve (two persons, PAM), apply, verify, roll back."""
