"""Category builders of the procedural generator; importing this package registers them all."""

from dragmesh.data.categories import containers  # noqa: F401
from dragmesh.data.categories import furniture  # noqa: F401
from dragmesh.data.categories import kitchen  # noqa: F401
from dragmesh.data.categories import appliances  # noqa: F401
from dragmesh.data.categories import architecture  # noqa: F401
from dragmesh.data.categories import bathroom  # noqa: F401
from dragmesh.data.categories import world_home  # noqa: F401
from dragmesh.data.categories import world_handheld  # noqa: F401
