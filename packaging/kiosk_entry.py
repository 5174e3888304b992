"""Entry point of the frozen bundle: ``kiosk`` (Linux) / ``kiosk.exe`` (Windows)."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
