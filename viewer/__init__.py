"""The DragMesh desktop viewer: open a mesh, drag a part, watch it move along its inferred joint.

Run it with ``dragmesh view [MESH]``. The window is pyglet (OpenGL 3.3 core), so it runs on any GL
driver including Mesa's software rasteriser under Xvfb. Modules by concern:

- ``app.py``      the window: pyglet's mouse and keyboard events turned into the controller's
  actions, the key bindings, the event loop, drawing
- ``controller.py`` every user action (select, group, make base, pick a candidate, snap the axis, edge
  hinge, pivot, limits, type, flip, reset, undo and redo, play and scrub, sample again, export, open,
  up axis, the camera's views) and the status text, over the session (no GUI: what it needs of the
  window it asks through hooks)
- ``session.py``  parts, joints and their candidates, limits, edits (snapped axis, edge hinge, typed
  limits) and collision warnings, poses, trajectories, the fixed base, undo and redo, exports (no
  GUI; calls the pipeline)
- ``parts.py``    the part's box and its edges, words for a joint ("side hinge"); which part is the
  base and which parts ride on which (a handle on its door) is ``dragmesh.io.structure``
- ``follow.py``   drag following: cursor ray -> joint value, exactly
- ``camera.py``   orbit camera (damped, clamped short of the poles), presets, cursor rays, pixels
- ``picking.py``  ray casting on the parts' triangles
- ``scene.py``    drawing the parts, the candidates' see-through ghosts and the joint overlay with OpenGL
- ``lod.py``      lighter stand-ins drawn while the camera moves; a cache-friendly triangle order
- ``overlay.py``  what is drawn besides the parts and in which colours: the parts' highlight, where
  the axis arrow and the pivot ball go (sized to the part, kept on screen), the candidates' ghosts
  and their numbers (no GUI)
- ``probe.py``    what the end-to-end tests and the benchmark read of the window: the ``ready`` event,
  each part's screen pixel, view pixels as X screen pixels
- ``recent.py``   the recent-files list (``~/.config/dragmesh/recent.json``)
- ``panel.py``, ``widgets.py``  the side panel and status line
- ``record.py``   the ``--record`` event log
- ``bench.py``    frame time while dragging and orbiting (``dragmesh view --bench``)
- ``xvfb.py``     a private X server for tests and the benchmark

The pipeline never imports this package; ``dragmesh view`` imports it only when run. The package
itself imports no pyglet (``pyglet_options.py`` sets it up for the GUI modules), so the GUI-free
modules (``controller``, ``session``, ``overlay``, ``follow``, ``parts``, ``camera``, ``picking``) load
without a display library.
"""
