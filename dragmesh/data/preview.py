"""The contact sheet of the procedural generator: one object per category, closed and opened side
by side, the moving part coloured and its joint axis drawn (``dragmesh data preview``)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from dragmesh.data.objects import ArticulatedObject

# Closed pose, opened pose: the main part at this fraction of its range (unknown limits: 90° / 60%
# of the part's extent along the axis).
OPEN_FRACTION = 0.85


def main_part(obj: ArticulatedObject) -> int:
    """The movable part a viewer notices first: the one with the largest bounding box."""
    sizes = [float(np.linalg.norm(np.ptp(obj.parts[i].vertices, axis=0))) for i in obj.movable()]
    return obj.movable()[int(np.argmax(sizes))]


def carried_parts(obj: ArticulatedObject, i: int) -> set[int]:
    """Part i and every part it carries, however deep (``meta["parents"]``): a lamp's lower arm
    carries its upper arm and the head on it."""
    children: dict[int, list[int]] = {}
    for c, p in obj.meta.get("parents", {}).items():
        children.setdefault(int(p), []).append(int(c))
    out, stack = {i}, [i]
    while stack:
        for c in children.get(stack.pop(), []):
            if c not in out:
                out.add(c)
                stack.append(c)
    return out


def _closed_and_open(obj: ArticulatedObject, i: int) -> tuple[float, float]:
    """(closed value, opened value) of part i, relative to its current value."""
    p = obj.parts[i]
    j = p.joint
    if j.limits is not None:
        lo, hi = j.limits
        # "Closed" is the limit nearer 0 (a symmetric range closes at 0).
        closed = 0.0 if lo <= 0.0 <= hi else (lo if abs(lo) < abs(hi) else hi)
        far = hi if abs(hi - closed) >= abs(lo - closed) else lo
        opened = closed + OPEN_FRACTION * (far - closed)
    else:
        closed = p.value
        if j.type == "revolute":
            opened = closed + np.pi / 2
        else:
            ext = p.vertices @ j.axis
            opened = closed + 0.6 * float(ext.max() - ext.min())
    return closed - p.value, opened - p.value


def object_views(
    obj: ArticulatedObject, part: int | None = None, size: tuple[int, int] = (320, 280)
) -> tuple[np.ndarray, np.ndarray]:
    """Two images (H, W, 3) uint8 of an object: the main part closed, and opened.

    The main part (``part`` or :func:`main_part`) and the parts it carries are orange, its axis a
    blue arrow; the others stay in their rest poses."""
    from dragmesh.render import BASE_COLOR, PART_COLOR, render_frames

    i = main_part(obj) if part is None else part
    carried = carried_parts(obj, i)
    p = obj.parts[i]
    d_closed, d_open = _closed_and_open(obj, i)
    T = p.joint.transforms(np.array([d_closed, d_open]))
    meshes, transforms = [], []
    for k, q in enumerate(obj.parts):
        moving = k in carried
        meshes.append((q.vertices, q.faces, PART_COLOR if moving else BASE_COLOR))
        transforms.append(T if moving else np.repeat(np.eye(4)[None], 2, axis=0))
    lo = np.min([q.vertices.min(0) for q in obj.parts], axis=0)
    hi = np.max([q.vertices.max(0) for q in obj.parts], axis=0)
    diag = float(np.linalg.norm(hi - lo))
    a, o = p.joint.axis, p.joint.origin
    if p.joint.type == "revolute":
        # Centre the drawn axis on the part's extent along the axis.
        s = (p.vertices - o) @ a
        mid = o + a * 0.5 * (s.min() + s.max())
        half = max(0.5 * (s.max() - s.min()) + 0.1 * diag, 0.15 * diag)
        line = (mid - a * half, mid + a * half)
    else:
        c = p.vertices.mean(0)
        line = (c, c + a * 0.35 * diag)
    images = render_frames(meshes, transforms, lines=[line], size=size)
    return images[0], images[1]


def contact_sheet(
    out: str | Path,
    categories: Sequence[str] | None = None,
    seed: int = 0,
    size: tuple[int, int] = (300, 260),
    columns: int = 4,
) -> Path:
    """Render one object per category (closed | opened, labelled) into one PNG at ``out``."""
    from PIL import Image, ImageDraw, ImageFont

    from dragmesh.data.generator import build_object, registered_categories
    from dragmesh.data.splits import ALL_CATEGORIES, is_held_out

    have = registered_categories()
    names = [c for c in (categories or [c for c in ALL_CATEGORIES if c in have] + sorted(set(have) - set(ALL_CATEGORIES)))]
    label_h = 24
    cell_w, cell_h = 2 * size[0], size[1] + label_h
    rows = -(-len(names) // columns)
    sheet = Image.new("RGB", (columns * cell_w, rows * cell_h), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.load_default(size=15)
    except TypeError:  # Pillow < 10.1 has one fixed-size default font
        font = ImageFont.load_default()
    for n, name in enumerate(names):
        obj = build_object(name, seed)
        i = main_part(obj)
        closed, opened = object_views(obj, i, size)
        x, y = (n % columns) * cell_w, (n // columns) * cell_h
        sheet.paste(Image.fromarray(closed), (x, y + label_h))
        sheet.paste(Image.fromarray(opened), (x + size[0], y + label_h))
        j = obj.parts[i].joint
        tag = " (held out)" if is_held_out(name) else " (world held out)" if is_held_out(name, "world") else ""
        draw.text((x + 6, y + 5), f"{name}{tag}: {obj.parts[i].name}, {j.type}, {len(obj.movable())} movable", fill=(20, 20, 20), font=font)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return out
