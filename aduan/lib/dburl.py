"""A PostgreSQL URL naming several servers (``postgres://u@h1:5432,h2:5432/db``), as
libpq takes it: the app tries them in turn and, with
``target_session_attrs=read-write``, keeps the one that takes writes, so a promoted
standby is found without a change of configuration. dj-database-url reads one host;
this splits the others off first."""

from urllib.parse import urlsplit, urlunsplit


def hosts_split(url: str) -> tuple[str, str, str]:
    """``url`` with its first server only, and every server's host and port as libpq
    lists them (``"h1,h2"``, ``"5432,5433"``); the lists are "" for a URL with one
    server. A host without a port gets 5432 when others have one."""
    parts = urlsplit(url)
    userinfo, at, hostlist = parts.netloc.rpartition("@")
    if "," not in hostlist:
        return url, "", ""
    hosts: list[str] = []
    ports: list[str] = []
    for item in hostlist.split(","):
        if item.startswith("["):  # [2001:db8::1]:5432
            host, _bracket, rest = item[1:].partition("]")
            port = rest.removeprefix(":")
        else:
            host, _colon, port = item.partition(":")
        if not host:
            raise ValueError(f"an empty host in {hostlist!r}")
        if port and not port.isdigit():
            raise ValueError(f"port {port!r} is not a number")
        hosts.append(host)
        ports.append(port or "5432")
    first = hostlist.split(",")[0]
    single = urlunsplit(parts._replace(netloc=f"{userinfo}{at}{first}"))
    return single, ",".join(hosts), ",".join(ports)
