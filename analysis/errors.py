"""Exit codes, the one exception the command line turns into a single stderr line, and the
``minzheng`` logger every module reports through."""

import logging

__all__ = ["UserError", "EXIT_OK", "EXIT_FAILED", "EXIT_USER", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "log"]

#: Everything worked.
EXIT_OK = 0
#: The command ran but some of its work failed (a report notebook): see stderr.
EXIT_FAILED = 1
#: Bad input from the user: a file, a manifest row, an argument. One line on stderr.
EXIT_USER = 2
#: A bug in minzheng, not in the input: one line on stderr (MINZHENG_DEBUG=1 shows the traceback).
EXIT_INTERNAL = 3
#: Stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: Warnings and progress notes go here; the command line prints them on stderr, and a
#: scheduler's log gets them without progress-bar frames.
log = logging.getLogger("minzheng")


class UserError(Exception):
    """Bad input from the user: printed as one line on stderr, exit code 2, no traceback."""

    exit_code = EXIT_USER
