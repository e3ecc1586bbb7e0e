#!/usr/bin/env python
"""Django's usual entry point; `python -m aduan` does the same."""

from aduan.__main__ import main

if __name__ == "__main__":
    main()
