"""`python -m skill` runs the CLI."""

import sys

from skill.cli.main import main

sys.exit(main())
