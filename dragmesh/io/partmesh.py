"""A triangle mesh whose faces are grouped into named parts.

Every loader in :mod:`dragmesh.io` returns a :class:`PartMesh`; everything downstream (sampling,
normalisation, the pipeline, the viewer) reads parts through it. Coordinates and units are the input
file's own; nothing here normalises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence, Union

import numpy as np

from dragmesh.errors import MeshError, PartError
from dragmesh.geometry.joints import Joint
from dragmesh.normalize import unit_up

PartKey = Union[str, int, np.integer]

# How many parts an error message lists before it says "and N more".
_MAX_LISTED_PARTS = 20


@dataclass
class PartMesh:
    """A triangle mesh with a part label per face.

    Attributes:
        vertices: (V, 3) float64 vertex positions, in the file's units and frame.
        faces: (F, 3) int64 vertex indices, F >= 1.
        face_labels: (F,) int64 part label of each face, in [0, P).
        part_names: the P part names, unique; ``part_names[label]`` names a label.
        joints: part name -> :class:`Joint` in mesh coordinates, for the
            parts whose joint the file states (URDF). Parts without a known joint are absent.
        source: the file the mesh came from, or None.
        up: (3,) unit vector, the mesh's up direction (used by normalisation, not applied here).
        named_parts: whether the parts are the file's own (its nodes, groups or links, or a label
            file) rather than the connected components of a file without structure; only named
            parts are taken as they are when no part is given (``articulate`` without ``--part``).
    """

    vertices: np.ndarray
    faces: np.ndarray
    face_labels: np.ndarray
    part_names: list[str]
    joints: dict[str, Joint] = field(default_factory=dict)
    source: str | None = None
    up: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0, 0.0]))
    named_parts: bool = True

    def __post_init__(self) -> None:
        self.vertices = np.ascontiguousarray(self.vertices, dtype=np.float64)
        self.faces = np.ascontiguousarray(self.faces, dtype=np.int64)
        self.face_labels = np.ascontiguousarray(self.face_labels, dtype=np.int64)
        self.part_names = [str(n) for n in self.part_names]
        self.joints = dict(self.joints)
        self.up = unit_up(self.up)
        where = f" in {self.source}" if self.source else ""

        if self.vertices.ndim != 2 or self.vertices.shape[1] != 3:
            raise MeshError(f"vertices must have shape (V, 3), got {self.vertices.shape}{where}")
        if self.faces.ndim != 2 or self.faces.shape[1] != 3:
            raise MeshError(f"faces must have shape (F, 3), got {self.faces.shape}{where}")
        if len(self.faces) == 0:
            raise MeshError(f"mesh has no faces{where}")
        if not np.isfinite(self.vertices).all():
            bad = int((~np.isfinite(self.vertices).all(axis=1)).sum())
            raise MeshError(f"mesh has {bad} vertices with NaN or infinite coordinates{where}")
        from dragmesh.io.values import MAX_COORDINATE

        if len(self.vertices) and float(np.abs(self.vertices).max()) > MAX_COORDINATE:
            raise MeshError(f"mesh coordinates are too large to compute with ({float(np.abs(self.vertices).max()):.3g}; "
                            f"at most {MAX_COORDINATE:g}){where}: scale the mesh to sensible units")
        if self.faces.min() < 0 or self.faces.max() >= len(self.vertices):
            raise MeshError(
                f"face indices out of range [0, {len(self.vertices)}){where}: "
                f"min {self.faces.min()}, max {self.faces.max()}"
            )
        if self.face_labels.shape != (len(self.faces),):
            raise MeshError(
                f"face_labels must have shape ({len(self.faces)},), got {self.face_labels.shape}{where}"
            )
        n_parts = len(self.part_names)
        if n_parts == 0 or self.face_labels.min() < 0 or self.face_labels.max() >= n_parts:
            raise MeshError(f"face labels must lie in [0, {n_parts}) for {n_parts} part names{where}")
        if len(set(self.part_names)) != n_parts:
            raise MeshError(f"part names are not unique{where}: {self.part_names}")
        unknown = sorted(set(self.joints) - set(self.part_names))
        if unknown:
            raise MeshError(f"joints given for unknown parts{where}: {unknown}")

    # ------------------------------------------------------------------ parts

    @property
    def n_parts(self) -> int:
        """Number of parts P."""
        return len(self.part_names)

    def part_index(self, key: PartKey) -> int:
        """The label of one part.

        Args:
            key: a part name (exact match first, then case-insensitive) or a label number (int, or a
                string of digits that names no part).

        Raises:
            PartError: no such part; the message lists the available parts.
        """
        if isinstance(key, (bool, np.bool_)):
            raise PartError(f"part must be a name or a label number, got {key!r}")
        if isinstance(key, (int, np.integer)):
            if 0 <= key < self.n_parts:
                return int(key)
            raise PartError(f"no part with label {key}; {self._available()}")
        if not isinstance(key, str):
            raise PartError(f"part must be a name or a label number, got {type(key).__name__}")
        text = key.strip()
        if text in self.part_names:
            return self.part_names.index(text)
        folded = [i for i, name in enumerate(self.part_names) if name.casefold() == text.casefold()]
        if len(folded) == 1:
            return folded[0]
        if len(folded) > 1:
            names = ", ".join(repr(self.part_names[i]) for i in folded)
            raise PartError(f"part name {key!r} is ambiguous (matches {names}); use the exact name")
        try:
            number = int(text)
        except ValueError:
            raise PartError(f"no part named {key!r}; {self._available()}") from None
        if 0 <= number < self.n_parts:
            return number
        raise PartError(f"no part named or labelled {key!r}; {self._available()}")

    def part_indices(self, keys: PartKey | Sequence[PartKey]) -> list[int]:
        """The labels of one or several parts, without repeats, in the order given.

        A single string that names no part but contains commas is read as a comma-separated list
        (the CLI's ``--part door,handle``).
        """
        if isinstance(keys, str):
            if "," in keys and keys.strip() not in self.part_names:
                keys = [k for k in keys.split(",") if k.strip()]
            else:
                keys = [keys]
        elif isinstance(keys, (int, np.integer)):
            keys = [keys]
        else:
            keys = list(keys)
        if not keys:
            raise PartError(f"no part given; {self._available()}")
        labels: list[int] = []
        for key in keys:
            label = self.part_index(key)
            if label not in labels:
                labels.append(label)
        return labels

    def part_face_mask(self, keys: PartKey | Sequence[PartKey]) -> np.ndarray:
        """The faces of the moving part: one part, or several merged into one.

        Args:
            keys: a part key or a sequence of them (see :meth:`part_index`).

        Returns:
            (F,) bool, True on the faces of the selected parts.

        Raises:
            PartError: a part does not exist, has no faces, or the selection is the whole object
                (nothing would stay fixed).
        """
        labels = self.part_indices(keys)
        counts = np.bincount(self.face_labels, minlength=self.n_parts)
        for label in labels:
            if counts[label] == 0:
                raise PartError(f"part {self.part_names[label]!r} has no faces")
        mask = np.isin(self.face_labels, labels)
        if mask.all():
            chosen = ", ".join(repr(self.part_names[i]) for i in labels)
            raise PartError(
                f"the selection {chosen} is the whole object; choose parts that leave something fixed"
            )
        return mask

    def submesh(self, face_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The faces under a mask as a compact mesh.

        Args:
            face_mask: (F,) bool.

        Returns:
            vertices (V', 3) float64 and faces (F', 3) int64 indexing them; only used vertices kept.
        """
        faces = self.faces[np.asarray(face_mask, dtype=bool)]
        used, inverse = np.unique(faces, return_inverse=True)
        return self.vertices[used], inverse.reshape(-1, 3).astype(np.int64)

    def part_summary(self) -> list[dict[str, Any]]:
        """One dict per part: ``label``, ``name``, ``faces`` (count), ``bbox_min`` and ``bbox_size``
        (3 floats each, mesh units; None for a part without faces), ``joint`` (a dict or None)."""
        order = np.argsort(self.face_labels, kind="stable")
        bounds = np.searchsorted(self.face_labels[order], np.arange(self.n_parts + 1))
        summary = []
        for label, name in enumerate(self.part_names):
            faces = self.faces[order[bounds[label] : bounds[label + 1]]]
            entry: dict[str, Any] = {"label": label, "name": name, "faces": int(len(faces))}
            if len(faces):
                points = self.vertices[faces.reshape(-1)]
                lo, hi = points.min(axis=0), points.max(axis=0)
                entry["bbox_min"] = lo.tolist()
                entry["bbox_size"] = (hi - lo).tolist()
            else:
                entry["bbox_min"] = entry["bbox_size"] = None
            joint = self.joints.get(name)
            entry["joint"] = joint.to_dict() if joint is not None else None
            summary.append(entry)
        return summary

    def _available(self) -> str:
        """'available parts: 0 'base', 1 'door', ...' truncated for error messages."""
        listed = [f"{i} {name!r}" for i, name in enumerate(self.part_names[:_MAX_LISTED_PARTS])]
        more = self.n_parts - len(listed)
        tail = f", ... and {more} more" if more > 0 else ""
        return f"available parts: {', '.join(listed)}{tail}"
