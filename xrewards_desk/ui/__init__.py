"""The desktop application (PySide6 widgets). Nothing below this package imports it."""
