"""Turn the facts a host needs into ONE POSIX sh script, and its output back into raw results.

Each fact's output is framed by a header line carrying a per-scan random marker, its exit
status, a truncation flag and the byte counts that follow, so neither junk printed by
the login shell nor hostile file contents can be mistaken for a result.
"""

from __future__ import annotations

import base64
import json
import secrets
import shlex
from dataclasses import dataclass

from hardening.errors import InputError, TargetError
from hardening.facts import Raw, get_fact, instance_key

BUNDLE_FORMAT = "hardening-bundle/1"
STDERR_CAP = 4096
MAX_STREAM = 64 * 1024 * 1024  # refuse output beyond this: a host is garbage, not a scan

PREAMBLE = r"""LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
umask 077
hf_lane=
# scratch space in RAM where there is some: nothing of the scan touches the host's disks, and a
# full or read-only /tmp does not stop it (a few hundred small files; on disk they cost 0.3 ms each)
HF_T=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d 2>/dev/null) || { HF_T=/tmp/hf.$$; mkdir -m 700 "$HF_T" || exit 97; }
trap 'rm -rf "$HF_T"' EXIT
trap '[ -z "$hf_lane" ] || kill "$hf_lane" 2>/dev/null; rm -rf "$HF_T"; exit 98' INT TERM HUP
HF_S=$HF_T/shared
HF_NOW=$(date +%s)
HF_FAMILY=unknown
HF_OS=" "; hf_q="\"'"
for hf_f in /etc/os-release /usr/lib/os-release; do
  [ -r "$hf_f" ] || continue
  while IFS='=' read -r hf_k hf_v || [ -n "$hf_k" ]; do
    case "$hf_k" in ID|ID_LIKE) hf_v=${hf_v#[$hf_q]}; HF_OS="$HF_OS${hf_v%[$hf_q]} " ;; esac
  done < "$hf_f"
  break
done
case "$HF_OS" in
  *" debian "*|*" ubuntu "*) HF_FAMILY=debian ;;
  *" rhel "*|*" fedora "*|*" centos "*|*" kylin "*|*" openEuler "*|*" anolis "*) HF_FAMILY=rhel ;;
  *suse*) HF_FAMILY=suse ;;
  *) if [ -f /etc/debian_version ]; then HF_FAMILY=debian; elif [ -f /etc/redhat-release ]; then HF_FAMILY=rhel; fi ;;
esac
hf_sshd_t() {
  # `sshd -T` once per scan into "$HF_S/sshd_t" (stderr: .e); returns its status
  if [ ! -f "$HF_S/sshd_t.rc" ]; then
    if command -v sshd >/dev/null 2>&1; then sshd -T; else /usr/sbin/sshd -T; fi > "$HF_S/sshd_t" 2> "$HF_S/sshd_t.e"
    echo $? > "$HF_S/sshd_t.rc"
  fi
  read -r hf_r < "$HF_S/sshd_t.rc"; return "$hf_r"
}
hf_comms() {
  # makes "$HF_S/comm", every process's name (/proc/*/comm), once per scan: several facts
  # look for daemons, and reading a few hundred /proc files is their main cost
  [ -f "$HF_S/comm" ] || cat /proc/[0-9]*/comm > "$HF_S/comm" 2>/dev/null || :
}
hf_files() {
  # <size>\0<name>\0<bytes> per readable file; copies first (a file changing meanwhile cannot
  # break the framing), then one stat and one cat for all: process start-up is the cost here
  hf_r=0; hf_n=0
  for hf_f in "$@"; do
    [ -f "$hf_f" ] || continue
    hf_n=$((hf_n + 1))
    if ! cat -- "$hf_f" > "$HF_T/c.$hf_n"; then hf_r=1; hf_n=$((hf_n - 1)); continue; fi
    eval "hf_name_$hf_n=\$hf_f"
  done
  [ "$hf_n" -gt 0 ] || return $hf_r
  hf_i=0; set --
  while [ "$hf_i" -lt "$hf_n" ]; do hf_i=$((hf_i + 1)); set -- "$@" "$HF_T/c.$hf_i"; done
  stat -c %s "$@" > "$HF_T/cs" 2>/dev/null || for hf_f in "$@"; do echo $(($(wc -c < "$hf_f"))); done > "$HF_T/cs"
  hf_i=0; set --
  while read -r hf_size; do
    hf_i=$((hf_i + 1))
    eval "hf_f=\$hf_name_$hf_i"
    printf '%s\0%s\0' "$hf_size" "$hf_f" > "$HF_T/ch.$hf_i"
    set -- "$@" "$HF_T/ch.$hf_i" "$HF_T/c.$hf_i"
  done < "$HF_T/cs"
  cat "$@"
  return $hf_r
}
hf_flush() {
  # Frame every fact's output at the end, with one stat and one cat for all of them: process
  # start-up, not the facts, dominates a large collection. Facts are numbered 0..$1-1; a fact
  # whose command was the same as an earlier one's (hf_src_N) is framed from that one's files.
  # A fact with no status file (its lane was killed) reports 125.
  hf_count=$1; hf_i=0; set --
  while [ "$hf_i" -lt "$hf_count" ]; do
    eval "hf_s=\${hf_src_$hf_i:-$hf_i}"; set -- "$@" "$HF_T/o.$hf_s" "$HF_T/e.$hf_s"; hf_i=$((hf_i + 1))
  done
  if ! stat -c %s "$@" > "$HF_T/sizes" 2>/dev/null; then
    for hf_f in "$@"; do echo $(($(wc -c < "$hf_f"))); done > "$HF_T/sizes"
  fi
  hf_i=0; set --
  while read -r hf_n && read -r hf_e; do
    eval "hf_cap=\$hf_cap_$hf_i; hf_s=\${hf_src_$hf_i:-$hf_i}"
    hf_rc=125; [ -f "$HF_T/r.$hf_s" ] && read -r hf_rc < "$HF_T/r.$hf_s"
    hf_o="$HF_T/o.$hf_s"; hf_x="$HF_T/e.$hf_s"; hf_t=0
    if [ "$hf_n" -gt "$hf_cap" ]; then hf_t=1; hf_n=$hf_cap; head -c "$hf_n" "$hf_o" > "$hf_o.cut$hf_i"; hf_o="$hf_o.cut$hf_i"; fi
    if [ "$hf_e" -gt @STDERR_CAP@ ]; then hf_e=@STDERR_CAP@; head -c "$hf_e" "$hf_x" > "$hf_x.cut$hf_i"; hf_x="$hf_x.cut$hf_i"; fi
    printf '\n%s %s %s %s %s %s\n' "$HF_M" "$hf_i" "$hf_rc" "$hf_t" "$hf_n" "$hf_e" > "$HF_T/h.$hf_i"
    set -- "$@" "$HF_T/h.$hf_i" "$hf_o" "$hf_x"
    hf_i=$((hf_i + 1))
  done < "$HF_T/sizes"
  cat "$@"
}
""".replace("@STDERR_CAP@", str(STDERR_CAP))


@dataclass(frozen=True)
class PlannedFact:
    index: int
    fact: str
    args: dict

    @property
    def key(self) -> str:
        return instance_key(self.fact, self.args)


def make_plan(needed: list[tuple[str, dict]]) -> list[PlannedFact]:
    """Deduplicate (fact, args) pairs; system.OsRelease always comes first (parsers need it)."""
    seen: dict[str, PlannedFact] = {}
    ordered = [("system.OsRelease", {})] + list(needed)
    for fact, args in ordered:
        key = instance_key(fact, args)
        if key not in seen:
            seen[key] = PlannedFact(len(seen), fact, dict(args))
    return list(seen.values())


def new_marker() -> str:
    return "HF" + secrets.token_hex(16)


def _fact_body(planned: PlannedFact) -> str:
    fact = get_fact(planned.fact)
    command = fact.shell(planned.args)
    if isinstance(command, dict):
        cases = [f"  {family}) {body} ;;" for family, body in command.items() if family != "default"]
        cases.append(f"  *) {command.get('default', 'echo unsupported platform >&2; exit 125')} ;;")
        return 'case "$HF_FAMILY" in\n' + "\n".join(cases) + "\nesac"
    return command


LANES = 2  # facts run in two lanes side by side: the host's other core is idle otherwise
SHARED_HELPERS = ("hf_comms", "hf_sshd_t")  # what they make is shared: made once, before the lanes


def _lanes(blocks: list[tuple[PlannedFact, str]]) -> list[list[str]]:
    """Split fact blocks into lanes of about equal cost (longest first), each kept in plan order."""
    lanes: list[list[tuple[int, str]]] = [[] for _ in range(LANES)]
    totals = [0] * LANES
    for planned, block in sorted(blocks, key=lambda item: -get_fact(item[0].fact).cost):
        lane = totals.index(min(totals))
        lanes[lane].append((planned.index, block))
        totals[lane] += get_fact(planned.fact).cost
    return [[block for _, block in sorted(lane)] for lane in lanes]


def collection_body(plan: list[PlannedFact], marker: str) -> str:
    """Each fact runs in its own subshell with its own scratch folder and records its exit status
    in a file; no fact sees another's files (``$HF_S`` holds what the shared helpers make). A
    command several facts share (the PAM stack, read by five parsers) runs once.

    Order: the shared helpers the facts use, then the facts that look at processes (``alone``),
    then all others in two lanes, then one framing pass over everything."""
    folders = " ".join(f'"$HF_T/w.{p.index}"' for p in plan)
    settings, alone, laned, first_with = [], [], [], {}
    for planned in plan:
        fact = get_fact(planned.fact)
        body = _fact_body(planned)
        settings.append(f"hf_cap_{planned.index}={fact.output_cap}")
        same = first_with.setdefault(body, planned.index)
        if same != planned.index:
            settings.append(f"hf_src_{planned.index}={same}")
            continue
        label = f"# {planned.fact} {json.dumps(planned.args, ensure_ascii=True) if planned.args else ''}\n"
        n = planned.index
        block = (f"{label}(\nHF_T=$HF_T/w.{n}\n{body}\n) >\"$HF_T/o.{n}\" 2>\"$HF_T/e.{n}\" </dev/null\n"
                 f"echo $? > \"$HF_T/r.{n}\"\n")
        (alone if fact.alone else laned).append((planned, block))
    helpers = [h for h in SHARED_HELPERS if any(h in body for body in first_with)]
    first, second = _lanes(laned)
    return (f"HF_M={marker}\n{PREAMBLE}mkdir \"$HF_S\" {folders} || exit 97\n{' '.join(settings)}\n"
            + "".join(f"{h}\n" for h in helpers)
            + "".join(block for _, block in alone)
            + "{\n:\n" + "".join(first) + "} &\nhf_lane=$!\n" + "".join(second) + "wait \"$hf_lane\"\n"
            + f"hf_flush {len(plan)}\nprintf '\\n%s END\\n' \"$HF_M\"\n")


def build_script(plan: list[PlannedFact], marker: str) -> str:
    """The script sent over one exec channel (or run locally): framed raw output on stdout."""
    return "# hardening collector: reads facts, changes nothing\n" + collection_body(plan, marker)


def build_offline_script(plan: list[PlannedFact], marker: str, baseline: str) -> str:
    """A script an operator runs by hand; it prints one JSON bundle (the framed stream in base64)."""
    header = json.dumps({"format": BUNDLE_FORMAT, "baseline": baseline, "marker": marker,
                         "plan": [{"index": p.index, "fact": p.fact, "args": p.args} for p in plan]},
                        ensure_ascii=True, sort_keys=True)
    return (
        "#!/bin/sh\n"
        "# hardening offline collector: reads facts, changes nothing.\n"
        f"# Run as root:  sh collect.sh > bundle.json   then:  hardening evaluate bundle.json\n"
        "command -v base64 >/dev/null 2>&1 || { echo 'hardening: base64 (coreutils) is required' >&2; exit 1; }\n"
        "umask 077\n"
        "HF_OUT=$(mktemp) || { echo 'hardening: mktemp is required' >&2; exit 1; }\n"
        f"( {collection_body(plan, marker)} ) > \"$HF_OUT\"\n"
        f"printf '%s' {shlex.quote(header[:-1])}\n"
        "printf ',\"stream_b64\":\"'\n"
        "base64 < \"$HF_OUT\" | tr -d '\\n'\n"
        "printf '\"}\\n'\n"
        "rm -f \"$HF_OUT\"\n"
    )


def parse_stream(data: bytes, plan: list[PlannedFact], marker: str) -> dict[str, Raw]:
    """Split the framed output into one Raw per planned fact.

    Raises TargetError when the output is not a collector's output at all or was cut off.
    """
    if len(data) > MAX_STREAM:
        raise TargetError(f"output too large ({len(data)} bytes)")
    head = b"\n" + marker.encode() + b" "
    by_index = {p.index: p for p in plan}
    results: dict[str, Raw] = {}
    pos = data.find(head)
    if pos < 0:
        raise TargetError("garbage output: the collector's marker was not found")
    while True:
        line_end = data.find(b"\n", pos + len(head))
        if line_end < 0:
            raise TargetError("output ended early (truncated)")
        fields = data[pos + len(head):line_end].split(b" ")
        if fields == [b"END"]:
            break
        # unsigned only: a negative size would move backwards and could loop for ever
        if len(fields) != 5 or not all(f.isdigit() for f in fields):
            raise TargetError("garbage output: malformed result header")
        index, rc, truncated, n_out, n_err = (int(f) for f in fields)
        start = line_end + 1
        if start + n_out + n_err > len(data):
            raise TargetError("output ended early (truncated)")
        planned = by_index.get(index)
        if planned is None:
            raise TargetError("garbage output: result for a fact that was not asked for")
        results[planned.key] = Raw(stdout=data[start:start + n_out],
                                   stderr=data[start + n_out:start + n_out + n_err],
                                   rc=rc, truncated=bool(truncated))
        pos = start + n_out + n_err
        if head.startswith(data[pos:]):  # nothing, or part of the next header: cut off
            raise TargetError("output ended early (truncated)")
        if not data.startswith(head, pos):
            raise TargetError("garbage output: result framing is broken")
    return results


def read_bundle(text: str, path: str) -> tuple[list[PlannedFact], dict[str, Raw], str, str]:
    """Parse an offline bundle; returns (plan, raw results, marker, baseline)."""
    try:
        bundle = json.loads(text)
        if bundle.get("format") != BUNDLE_FORMAT:
            raise InputError(f"not a hardening bundle (format {bundle.get('format')!r})", path)
        plan = [PlannedFact(int(p["index"]), str(p["fact"]), dict(p.get("args") or {})) for p in bundle["plan"]]
        stream = base64.b64decode(bundle["stream_b64"], validate=True)
        marker = str(bundle["marker"])
    except InputError:
        raise
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"malformed bundle: {exc}", path) from None
    try:
        raws = parse_stream(stream, plan, marker)
    except TargetError as exc:
        raise InputError(f"bundle content: {exc}", path) from None
    return plan, raws, marker, str(bundle.get("baseline", ""))
