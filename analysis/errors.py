"""The one exception type that the command line turns into a single stderr line."""

__all__ = ["UserError"]


class UserError(Exception):
    """Bad input from the user: printed as one line on stderr, exit code 2, no traceback."""

    exit_code = 2
