"""The one error hierarchy of DragMesh.

Every failure a user can cause raises a subclass of :class:`DragMeshError` with a message that names
the problem in one line. The CLI prints that line and exits with status 2; nothing else escapes it.
"""


class DragMeshError(Exception):
    """Base class of every error DragMesh raises on purpose."""


class InputError(DragMeshError):
    """The user's input (file, option, value) is unusable."""


class MeshError(InputError):
    """A mesh file is missing, of an unknown format, corrupt, empty, or has non-finite vertices."""


class LabelError(InputError):
    """A part-label file does not fit the mesh (wrong length, not integers, unreadable)."""


class URDFError(InputError):
    """A URDF file is malformed: bad XML, missing links or meshes, non-numeric values."""


class PartError(InputError):
    """A named part does not exist, is empty, or is the whole object."""


class DragError(InputError):
    """A drag is unusable: zero or non-finite vector, or a point off the chosen part."""


class WeightsError(DragMeshError):
    """Shipped or user-given model weights are missing, corrupted, or do not match their config."""


class ExportError(DragMeshError):
    """An export cannot be written: unknown format, unwritable folder, encoder failure."""


class OutputError(DragMeshError):
    """Standard output cannot be written (a full device, a closed pipe)."""
