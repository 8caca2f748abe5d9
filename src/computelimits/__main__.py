"""``python -m computelimits`` runs the command line."""

from computelimits.cli import app

app(prog_name="computelimits")
