#!/usr/bin/env bash
# Checks, without a container engine, what can be checked of the Dockerfile's runtime stage
# (debian:bookworm-slim plus one apt-get install line):
#
# 1. That stage's package list resolves on Debian bookworm: `apt-get install --simulate` of exactly
#    those packages succeeds against this machine's bookworm archive (a negative control with a
#    package that does not exist must fail).
# 2. Every shared library a `-static-stdlib` podhop binary needs is shipped by those packages, by
#    their dependencies, or by bookworm's required base packages (what bookworm-slim contains).
#    The binary checked is PODHOP_BINARY (default .build/debug/podhop, the test build, linked
#    against the Swift runtime dynamically). `-static-stdlib` links exactly the libraries that
#    resolve into the Swift toolchain's directory into the binary, and adds the system libraries
#    named in the toolchain's static-stdlib-args.lnk; so the libraries the static binary needs are
#    this binary's non-toolchain libraries (`ldd`) plus those. A release build links the same C
#    libraries (the same pkg-config link flags), so a debug build answers the question without
#    a several-minute release build. Each library file is mapped to its package with `dpkg -S`.
#    A negative control drops libisal2 from the list and must fail.
#
# What it does NOT prove: that `docker build` succeeds (the build stage is not run), that the
# image starts, that the binary runs in bookworm-slim (no chroot of the image's files), that the
# package versions in the image equal this machine's, or anything about other architectures.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${PODHOP_BINARY:-.build/debug/podhop}

. /etc/os-release
if [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
  echo "check-runtime-image: this check needs Debian bookworm (found ${PRETTY_NAME:-unknown})" >&2
  exit 2
fi
[ -x "$binary" ] || { echo "check-runtime-image: no binary at $binary; run swift build first" >&2; exit 2; }

# The runtime stage: from the last FROM to the end; its apt-get install line(s), continued with "\".
packages=$(awk '/^FROM /{stage=$0; text=""} {text=text"\n"$0} END{print text}' Dockerfile \
  | tr '\n' ' ' | sed 's/\\ / /g' \
  | grep -o 'apt-get install [^&]*' | sed 's/apt-get install//' | tr ' ' '\n' | grep -v '^-' | grep -v '^$' | sort -u)
grep -q '^FROM debian:bookworm-slim' Dockerfile || { echo "FAIL the runtime stage is not debian:bookworm-slim"; exit 1; }
[ -n "$packages" ] || { echo "FAIL no apt-get install line in the Dockerfile's runtime stage"; exit 1; }
echo "runtime packages: $(echo $packages)"

if ! apt-get install --simulate --no-install-recommends -q $packages >/tmp/podhop-apt-simulate.$$ 2>&1; then
  cat /tmp/podhop-apt-simulate.$$; rm -f /tmp/podhop-apt-simulate.$$
  echo "FAIL apt-get install --simulate of the runtime packages"
  exit 1
fi
rm -f /tmp/podhop-apt-simulate.$$
echo "ok   apt-get install --simulate resolves every runtime package on bookworm"
if apt-get install --simulate --no-install-recommends -q podhop-no-such-package >/dev/null 2>&1; then
  echo "FAIL negative control: a package that does not exist was accepted"; exit 1
fi
echo "ok   negative control: a package that does not exist is refused"

toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
lnk="$toolchain/lib/swift_static/linux/static-stdlib-args.lnk"
[ -f "$lnk" ] || { echo "FAIL no $lnk: cannot tell what -static-stdlib adds"; exit 1; }

python3 - "$binary" "$toolchain" "$lnk" $packages <<'PYTHON'
import glob, os, re, subprocess, sys

binary, toolchain, lnk, listed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]


def closure(packages):
    """The packages plus everything they depend on (no recommends), by apt-cache."""
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
         "--no-replaces", "--no-enhances"] + packages, capture_output=True, text=True, check=True).stdout
    return {line.strip().split(":")[0] for line in out.splitlines() if line and not line.startswith(" ") and not line.startswith("<")}


# bookworm-slim holds the required base system; its packages and their dependencies.
required = subprocess.run(
    ["dpkg-query", "-W", "-f=${Package} ${Essential} ${Priority}\n"], capture_output=True, text=True, check=True).stdout
base = [p.split()[0] for p in required.splitlines() if len(p.split()) >= 3 and (p.split()[1] == "yes" or p.split()[2] == "required")]
base_closure = closure(base)

# Libraries the -static-stdlib binary needs: ldd's system entries, plus what static-stdlib-args.lnk adds.
needed = {}
for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    match = re.match(r"\s*(\S+) => (\S+)", line)
    if match and not os.path.realpath(match.group(2)).startswith(os.path.realpath(toolchain)):
        needed[match.group(1)] = match.group(2)
# The multiarch library directory, where the binary's libc lives (/lib/x86_64-linux-gnu, …).
libdir = os.path.dirname(needed.get("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"))
for flag in re.findall(r"(?m)^\s*-l(\S+)", open(lnk).read()):
    if flag.startswith("swift") or flag in ("dispatch", "BlocksRuntime"):
        continue  # the Swift runtime itself: linked into the binary
    found = sorted(glob.glob("%s/lib%s.so.*" % (libdir, flag)))
    if not found:
        print("FAIL static-stdlib-args.lnk links -l%s, and no lib%s.so.* is installed here" % (flag, flag))
        sys.exit(1)
    needed["lib%s (-l%s)" % (flag, flag)] = found[0]


def owner(path):
    for candidate in (path, os.path.realpath(path), path.replace("/lib/", "/usr/lib/", 1), os.path.realpath(path).replace("/usr/lib/", "/lib/", 1)):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


owners = {name: owner(path) for name, path in needed.items()}


def check(packages, quiet=False):
    available = closure(packages) | base_closure
    missing = [(name, needed[name], pkg) for name, pkg in sorted(owners.items()) if pkg not in available]
    if not quiet:
        for name, pkg in sorted(owners.items()):
            print("%s %s (%s) from %s" % ("ok  " if pkg in available else "FAIL", name, needed[name], pkg or "no package"))
    return missing


missing = check(listed)
if missing:
    print("FAIL %d librar(y/ies) of the binary are in no runtime package" % len(missing))
    sys.exit(1)
print("ok   every shared library of a -static-stdlib podhop comes from the runtime packages or the base system (%d)" % len(owners))
control = [p for p in listed if p != "libisal2"]
if not check(control, quiet=True):
    print("FAIL negative control: without libisal2 the libraries still looked complete")
    sys.exit(1)
print("ok   negative control: without libisal2, libisal.so.2 is reported missing")
PYTHON
echo "runtime image check passed"
