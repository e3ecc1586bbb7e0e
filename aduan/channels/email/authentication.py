"""Whether a mail is from whom its ``From:`` says (DESIGN.md §5: a message
continues a report only when its sender is proven).

The proof is what the deployment's own mail server found, written in the
Authentication-Results header (RFC 8601) it adds, known by its authserv-id: DMARC
passed for the ``From:`` domain; or, where that domain publishes no DMARC policy,
a verified DKIM signature of the ``From:`` domain or of a parent of it. Anyone can
write Authentication-Results headers into a mail, our authserv-id included: only
the topmost one with our id counts, because our server adds its own above
everything the sender wrote (and must drop any claiming its id, docs/email.md).
SPF alone proves nothing about ``From:``. Reading never fails: a header that
cannot be read proves nothing."""

import re
from collections.abc import Collection
from enum import StrEnum

import authres

from aduan.channels.email.parse import Mail


class Proof(StrEnum):
    """What is known of the sender, as recorded on the mail."""

    DMARC = "dmarc"  # DMARC passed for the From: domain
    DKIM = "dkim"  # no DMARC policy, but the From: domain's DKIM signature verified
    TRUSTED = "trusted"  # no verdict, taken on trust (demo mode's explicit setting)
    FAILED = "failed"  # our server found DMARC failing (or unable to decide)
    NONE = "none"  # no verdict: no header of ours, or one that proves nothing
    AMBIGUOUS = "ambiguous"  # several From: headers or addresses

    @property
    def proven(self) -> bool:
        return self in (Proof.DMARC, Proof.DKIM, Proof.TRUSTED)


# The authserv-id is the header's first token, after any comment (RFC 8601 §2.2).
_AUTHSERV_ID = re.compile(r"^\s*(?:\([^()]*\)\s*)*([^\s;()]+)")


def sender_proof(
    mail: Mail, *, authserv_ids: Collection[str], trust_unauthenticated: bool = False
) -> Proof:
    """What our mail server (``authserv_ids``) proved of the mail's sender.
    ``trust_unauthenticated`` takes a mail without any verdict as proven (the demo,
    whose smtpd is its own MX); a failed verdict is never trusted."""
    if not mail.single_author or "@" not in mail.address:
        return Proof.AMBIGUOUS
    domain = _domain(mail.address.rpartition("@")[2])
    header = _trusted_header(mail.authentication_results, authserv_ids)
    proof = _verdict(header, domain) if header is not None else Proof.NONE
    if proof == Proof.NONE and trust_unauthenticated:
        return Proof.TRUSTED
    return proof


def _trusted_header(
    values: tuple[str, ...], authserv_ids: Collection[str]
) -> "authres.AuthenticationResultsHeader | None":
    """The topmost header carrying one of our authserv-ids, read; None when there
    is none, or when that one cannot be read (a header further down, which the
    sender may have written, never stands in for it)."""
    ours = {_domain(authserv_id) for authserv_id in authserv_ids if authserv_id.strip()}
    for value in values:
        match = _AUTHSERV_ID.match(value)
        if match is None or _domain(match.group(1)) not in ours:
            continue
        try:
            return authres.AuthenticationResultsHeader.parse_value(value)
        except authres.AuthResError:
            return None
    return None


def _verdict(header: "authres.AuthenticationResultsHeader", domain: str) -> Proof:
    results = [
        (str(result.method).lower(), str(result.result).lower(), result)
        for result in header.results
    ]
    dmarc = [(outcome, result) for method, outcome, result in results if method == "dmarc"]
    for outcome, result in dmarc:
        if outcome == "pass" and _property(result, "header", "from") == domain:
            return Proof.DMARC
    if any(outcome != "none" for outcome, _result in dmarc):
        # Failed, could not be decided (temperror, permerror), or passed for
        # another From: than the one we read: the domain's policy speaks, no DKIM
        # result overrides it.
        return Proof.FAILED
    for method, outcome, result in results:
        if method == "dkim" and outcome == "pass":
            signer = _property(result, "header", "d") or _property(result, "header", "i")
            if _aligned(signer, domain):
                return Proof.DKIM
    return Proof.NONE


def _property(result: "authres.AuthenticationResult", kind: str, name: str) -> str:
    """A result's property (``header.from``) as a domain ("" when absent); an
    identity (``header.i=@contoh.co.id``) gives its domain."""
    for item in result.properties:
        if str(item.type).lower() == kind and str(item.name).lower() == name:
            return _domain(str(item.value).rpartition("@")[2])
    return ""


def _aligned(signer: str, domain: str) -> bool:
    """A DKIM signer speaks for the From: domain when it is that domain or a parent
    of it (whoever holds a parent's keys holds its subdomains' DNS too); never a
    bare top-level name, and never a subdomain (a host under someone's domain is not
    the domain)."""
    return "." in signer and (domain == signer or domain.endswith("." + signer))


def _domain(name: str) -> str:
    """A domain as compared: lower case, without a final dot, in ASCII (IDNA) when
    it can be written so."""
    name = name.strip().strip('"').rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name
