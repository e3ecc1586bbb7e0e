"""Passwords in tests: Django's own PBKDF2 with far fewer rounds.

Hashing at the production work factor (1,500,000 rounds) costs about half a second, and
a test that signs somebody in pays it twice; the suite paid it over a thousand times.
Django's documentation advises a faster hasher for tests. This one keeps the algorithm
and its name (``pbkdf2_sha256``), so a hash made here is one the production hasher
verifies (with the rounds written in it): an app server started by a test with the
production settings signs these users in unchanged."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
