"""Command-line interface: `cramp-coach SUBCOMMAND`. Each module registers one subcommand."""
