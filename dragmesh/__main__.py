import sys

from dragmesh.cli import main

sys.exit(main())
