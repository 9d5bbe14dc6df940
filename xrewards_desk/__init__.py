"""xrewards-desk: the back-office desktop of the X-Points rewards program."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xrewards-desk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
