"""kiosk: a fullscreen exhibition-hall slideshow driven by a YAML deck."""

__version__ = "0.1.0"
