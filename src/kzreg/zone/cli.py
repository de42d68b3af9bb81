"""`kzreg zone ...`: export, publish and check the DNS zone files (P2)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import tempfile
from pathlib import Path

from kzreg.zone.problems import ZoneProblem


def register(sub: argparse._SubParsersAction) -> None:
    zone = sub.add_parser("zone", help="DNS zone files: export, publish, check")
    zsub = zone.add_subparsers(dest="zone_command", metavar="ACTION", required=True)

    export = zsub.add_parser("export", help="write one zone file (streamed; serial grows with each change)")
    export.add_argument("zone", help="kz, қаз or xn--80ao21a")
    export.add_argument("--output", "-o", default="-", help="file to write (replaced atomically), or - for stdout")
    export.set_defaults(func=_guarded(cmd_export))

    publish = zsub.add_parser("publish", help="export every changed zone into the zone folder and reload")
    publish.add_argument("--force", action="store_true", help="export, check and reload even when unchanged")
    publish.set_defaults(func=_guarded(cmd_publish))

    check = zsub.add_parser("check", help="check a zone file with named-checkzone")
    check.add_argument("file")
    check.add_argument("zone")
    check.set_defaults(func=_guarded(cmd_check))

    apex = zsub.add_parser("apex-address", help="set the addresses of an apex name server inside its zone")
    apex.add_argument("zone")
    apex.add_argument("host", help="one of the zone's apex name servers, e.g. ns.nic.kz")
    apex.add_argument("addresses", nargs="*", help="IPv4/IPv6 addresses; none clears them")
    apex.set_defaults(func=_guarded(cmd_apex_address))

    status = zsub.add_parser("status", help="serial and last publication of every zone")
    status.set_defaults(func=_guarded(cmd_status))


def _guarded(command):  # type: ignore[no-untyped-def]
    """Zone problems become one `error:` line in the user's language and exit status 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except ZoneProblem as exc:
            print(f"error: {exc.message(args.lang)}", file=sys.stderr)
            return 1

    return run


def cmd_export(args: argparse.Namespace) -> int:
    from kzreg.zone.export import export_zone, find_zone

    zone = find_zone(args.zone)
    if args.output == "-":
        result = export_zone(zone, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        target = Path(args.output)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise ZoneProblem("file_unwritable", path=args.output, reason=exc.strerror or exc) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                result = export_zone(zone, fh)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    for warning in result.warnings(args.lang):
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"{zone.name}: serial {result.serial}, {result.delegations} delegations, {result.ns_records} NS, "
        f"{result.ds_records} DS, {result.glue_hosts} glue hosts",
        file=sys.stderr,
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from kzreg.registry.models import Zone
    from kzreg.zone.publish import UNCHANGED, publish_changed_zones

    outcomes = publish_changed_zones(force=args.force)
    for zone in Zone.objects.all():
        print(f"{zone.name}: {outcomes.get(zone.name, UNCHANGED)}")
    return 1 if any(o.startswith("failed") or "reload failed" in o for o in outcomes.values()) else 0


def cmd_check(args: argparse.Namespace) -> int:
    from kzreg.zone.checker import check_zone_file
    from kzreg.zone.export import find_zone

    zone = find_zone(args.zone)
    path = Path(args.file)
    if not path.is_file():
        raise ZoneProblem("file_unreadable", path=args.file, reason="not a file")
    result = check_zone_file(path, zone.name)
    print(result.output)
    return 0 if result.ok else 1


def cmd_apex_address(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kzreg.registry.policy import normalize_host_name
    from kzreg.zone import records
    from kzreg.zone.export import find_zone
    from kzreg.zone.models import ApexAddress

    zone = find_zone(args.zone)
    names = normalize_host_name(args.host)
    if not isinstance(names, tuple):
        raise ZoneProblem("invalid_host", host=args.host)
    host = names[0]
    apex = {normalize_host_name(n)[0] for n in zone.apex_nameservers or [] if isinstance(normalize_host_name(n), tuple)}
    if host not in apex or not records.in_zone(host, zone.name):
        raise ZoneProblem("not_apex_inside", host=args.host, zone=zone.unicode_name)
    addresses = []
    for text in args.addresses:
        try:
            addresses.append(ipaddress.ip_address(text.strip()).compressed)
        except ValueError:
            raise ZoneProblem("invalid_address", address=text) from None
    with transaction.atomic():
        ApexAddress.objects.filter(zone=zone, host=host).delete()
        ApexAddress.objects.bulk_create(
            [ApexAddress(zone=zone, host=host, address=a) for a in dict.fromkeys(addresses)]
        )
    print(f"{zone.name}: {host} {' '.join(addresses) or '(no addresses)'}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from kzreg.registry.models import Zone
    from kzreg.zone.models import ZoneState

    states = {s.zone_id: s for s in ZoneState.objects.all()}
    for zone in Zone.objects.all():
        state = states.get(zone.id)
        if state is None:
            print(f"{zone.name}: never exported")
            continue
        published = (
            f"{state.published_serial} at {state.published_at:%Y-%m-%d %H:%M:%S} → {state.published_path}"
            if state.published_at
            else "never"
        )
        print(f"{zone.name}: serial {state.serial}, {state.delegations} delegations; published {published}")
        if state.reload_pending:
            print(f"{zone.name}: reload pending")
        if state.last_error:
            print(f"{zone.name}: last error: {state.last_error}")
    return 0
