"""perfgate: a CI regression gate and performance budget bot."""

__version__ = "0.1.0"
