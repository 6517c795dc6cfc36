"""Framework-free engines: Polars/NumPy/Arrow in and out, no Django, no I/O, no clock."""
