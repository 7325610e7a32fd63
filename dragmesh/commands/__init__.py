"""One module per `dragmesh` subcommand; see :mod:`dragmesh.cli`."""
