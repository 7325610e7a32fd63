"""pyglet's options, set before any ``pyglet.window`` / ``pyglet.gl`` import: every GUI module of
the viewer imports this first. (The package itself does not import pyglet, so the GUI-free
modules, ``session``, ``follow``, ``parts``, ``camera``, load without a display library.)"""

import pyglet

# No hidden shadow window (one context is enough), and no glGetError after every GL call (it costs
# more than a frame's draw calls).
pyglet.options["shadow_window"] = False
pyglet.options["debug_gl"] = False
