"""``python -m computelimits.cli`` runs the command line."""

from computelimits.cli import app

app(prog_name="computelimits")
