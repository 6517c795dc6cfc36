"""craftpath: skills development, career advancement and worker protection for union federations."""

__version__ = "0.1.0"
