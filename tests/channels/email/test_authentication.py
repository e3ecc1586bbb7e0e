"""What our mail server proved of a mail's sender, read from the Authentication-Results
headers (RFC 8601) as the mail arrived: only the topmost one with our authserv-id
counts; DMARC for the From: domain, else an aligned DKIM signature, proves it; a
header that cannot be read proves nothing; and production refuses to take unproven
mail on trust."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from aduan.channels.email.authentication import Proof, sender_proof
from aduan.channels.email.parse import mail_parse
from tests.channels.email.conftest import AUTHSERV_ID, reply_bytes

NUMBER = "1234567890"


def _proof(
    *ours: str, senders: tuple[str, ...] = (), author: str = "", trust: bool = False
) -> Proof:
    raw = reply_bytes(NUMBER, ours=ours, senders=senders)
    if author:
        raw = raw.replace(b"siti.rahma@contoh.co.id>", f"{author}>".encode())
    return sender_proof(mail_parse(raw), authserv_ids=[AUTHSERV_ID], trust_unauthenticated=trust)


def test_the_mail_keeps_every_header_topmost_first_and_knows_its_authors() -> None:
    mail = mail_parse(reply_bytes(NUMBER, ours=("a; none", "b; none"), senders=("c; none",)))
    assert mail.authentication_results == ("a; none", "b; none", "c; none")
    assert mail.single_author
    two = reply_bytes(NUMBER).replace(b"From: Siti", b"From: a@b.example, Siti", 1)
    assert not mail_parse(two).single_author


@pytest.mark.parametrize(
    ("header", "proof"),
    [
        (f"{AUTHSERV_ID}; dmarc=pass header.from=contoh.co.id", Proof.DMARC),
        (f"(our MX) {AUTHSERV_ID} 1; dmarc=pass header.from=contoh.co.id.", Proof.DMARC),
        (f"{AUTHSERV_ID.upper()}; DMARC=Pass header.from=Contoh.Co.Id", Proof.DMARC),
        (f"{AUTHSERV_ID}; dkim=pass header.d=contoh.co.id", Proof.DKIM),
        (f"{AUTHSERV_ID}; dkim=pass header.i=siti.rahma@contoh.co.id", Proof.DKIM),
        (f"{AUTHSERV_ID}; spf=pass smtp.mailfrom=contoh.co.id", Proof.NONE),
        (f"{AUTHSERV_ID}; dkim=pass header.d=pengguna.contoh.co.id", Proof.NONE),
        (f"{AUTHSERV_ID}; dkim=pass header.d=id", Proof.NONE),
        (f"{AUTHSERV_ID}; none", Proof.NONE),
        (f"{AUTHSERV_ID}; dmarc=fail header.from=contoh.co.id", Proof.FAILED),
        (f"{AUTHSERV_ID}; dmarc=permerror header.from=contoh.co.id", Proof.FAILED),
        (f"{AUTHSERV_ID}; dmarc=pass header.from=penipu.example", Proof.FAILED),
        (f"{AUTHSERV_ID}; dmarc=pass", Proof.FAILED),  # for which From:? not ours to guess
        (f"{AUTHSERV_ID}; dmarc=pass header.from=contoh.co.id; =broken", Proof.NONE),
        (f"{AUTHSERV_ID}.penipu.example; dmarc=pass header.from=contoh.co.id", Proof.NONE),
    ],
)
def test_what_our_header_proves(header: str, proof: Proof) -> None:
    assert _proof(header) == proof


def test_a_parent_domains_signature_speaks_for_its_subdomain() -> None:
    header = f"{AUTHSERV_ID}; dkim=pass header.d=contoh.co.id"
    assert _proof(header, author="siti@pusat.contoh.co.id") == Proof.DKIM


def test_an_internationalised_domain_compares_in_either_form() -> None:
    header = f"{AUTHSERV_ID}; dmarc=pass header.from=xn--surat-dua-j4a.example"
    assert _proof(header, author="siti@surat-dua\u00e9.example") == Proof.DMARC


def test_only_the_topmost_header_of_ours_counts() -> None:
    forged = f"{AUTHSERV_ID}; dmarc=pass header.from=contoh.co.id"
    assert _proof(f"{AUTHSERV_ID}; none", senders=(forged,)) == Proof.NONE
    # A later hop's own header above ours does not hide ours.
    assert _proof("filter.internal; x=pass", forged) == Proof.DMARC


def test_trust_stands_in_for_a_missing_verdict_only() -> None:
    assert _proof(trust=True) == Proof.TRUSTED
    assert _proof(f"{AUTHSERV_ID}; dmarc=fail", trust=True) == Proof.FAILED
    assert Proof.TRUSTED.proven and not Proof.NONE.proven and not Proof.FAILED.proven


def test_production_refuses_to_trust_unauthenticated_mail(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ADUAN_DATA_KEY"}}
    variables = {
        "ADUAN_VAR_DIR": str(tmp_path),
        "ADUAN_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ADUAN_DATA_KEY": Fernet.generate_key().decode("ascii"),
        "ALLOWED_HOSTS": "aduan.example.go.id",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "ADUAN_EMAIL_TRUST_UNAUTHENTICATED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-m", "aduan", "check"],
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().startswith(
        "aduan: configuration error: ADUAN_EMAIL_TRUST_UNAUTHENTICATED:"
    ), result.stderr
