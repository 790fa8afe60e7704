"""MLPS 2.0 (GB/T 22239-2019 §8.1.4) control families, from a rule's clause references and tags."""

from __future__ import annotations

import re

# (key, section number, zh, en), in the order of the standard
FAMILIES = [
    ("identification", "8.1.4.1", "身份鉴别", "Identification and authentication"),
    ("access_control", "8.1.4.2", "访问控制", "Access control"),
    ("audit", "8.1.4.3", "安全审计", "Security audit"),
    ("intrusion_prevention", "8.1.4.4", "入侵防范", "Intrusion prevention"),
    ("malware_prevention", "8.1.4.5", "恶意代码防范", "Malicious code prevention"),
    ("trusted_verification", "8.1.4.6", "可信验证", "Trusted verification"),
    ("data_integrity", "8.1.4.7", "数据完整性", "Data integrity"),
    ("data_confidentiality", "8.1.4.8", "数据保密性", "Data confidentiality"),
    ("backup_recovery", "8.1.4.9", "数据备份恢复", "Data backup and recovery"),
    ("residual_information", "8.1.4.10", "剩余信息保护", "Residual information protection"),
    ("personal_information", "8.1.4.11", "个人信息保护", "Personal information protection"),
    ("resource_control", None, "资源控制", "Resource control"),
    ("other", None, "其他", "Other"),
]
ORDER = [f[0] for f in FAMILIES]
NAMES = {f[0]: {"zh": f[2], "en": f[3]} for f in FAMILIES}
SECTIONS = {f[0]: f[1] for f in FAMILIES}
_BY_SECTION = {f[1]: f[0] for f in FAMILIES if f[1]}
_CLAUSE = re.compile(r"^\s*(8\.1\.4\.\d+)")
# MLPS 2.0 has no computing-environment clause for resource control (it was family 7.1.4.7 in
# the 2008 edition); rules mark those items, which assessors still collect, with a reference
# under ``references.other`` naming 资源控制 (e.g. "GB/T 22239-2008 7.1.4.7 资源控制") or a tag.
RESOURCE_TAGS = {"resource_control", "resource-control", "resourcecontrol", "资源控制"}


def families_of(clauses: list[str], tags: tuple | list = (), other_references: tuple | list = ()) -> list[str]:
    """The families a rule belongs to, in standard order; ``other`` when none is known."""
    found = set()
    for clause in clauses or []:
        match = _CLAUSE.match(str(clause))
        if match and match.group(1) in _BY_SECTION:
            found.add(_BY_SECTION[match.group(1)])
        elif "资源控制" in str(clause) or "resource" in str(clause).lower():
            found.add("resource_control")
    if any(str(tag).lower() in RESOURCE_TAGS for tag in tags or ()):
        found.add("resource_control")
    if any("资源控制" in str(ref) or "resource control" in str(ref).lower() for ref in other_references or ()):
        found.add("resource_control")
    return [key for key in ORDER if key in found] or ["other"]
