"""The 3D view: one GPU mesh per part, drawn with OpenGL 3.3 core through pyglet's bindings.

Each part's rest-pose triangles are uploaded once; a moving part only changes its model matrix (one
uniform), never its buffers. Normals are not stored: the fragment shader takes the flat face normal
from screen-space derivatives, so meshes of any origin (no normals, split or shared vertices) shade
alike and a 100k-triangle mesh uploads half the data.

Software GL (Mesa llvmpipe under Xvfb) pays per triangle, so while some parts move the others are
drawn once into an off-screen colour+depth buffer and each frame starts from a copy of it: a frame
then costs the moving parts' triangles, not the whole mesh's. While the camera itself moves every
pixel changes, so nothing can be reused: the frame is then drawn at ``MOVING_SCALE`` of the view's
size and scaled up, a heavy mesh (over ``lod.LOD_MIN_TRIANGLES``) from lighter stand-ins uploaded
next to it (:mod:`viewer.lod`); the first frame after the camera stops is whole and sharp again.
Triangles are uploaded in Morton order (``lod.locality_order``) for GL's vertex cache, and parts are
drawn nearest first so hidden insides fail the depth test before they are shaded.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np
import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
from pyglet import gl
from pyglet.graphics.shader import Shader, ShaderProgram

from viewer.lod import locality_order, stand_ins

BACKGROUND = (0.93, 0.94, 0.96)
# While the camera moves the view is drawn at this fraction of its width and height and scaled up:
# llvmpipe's cost is mostly per shaded pixel, and a moving image does not show the blur.
MOVING_SCALE = 0.6

_VERTEX = """#version 330 core
layout(location = 0) in vec3 position;
uniform mat4 u_viewproj;
uniform mat4 u_model;
out vec3 v_world;
void main() {
    vec4 world = u_model * vec4(position, 1.0);
    v_world = world.xyz;
    gl_Position = u_viewproj * world;
}
"""

_FRAGMENT = """#version 330 core
in vec3 v_world;
out vec4 frag;
uniform vec3 u_color;
uniform vec3 u_eye;
uniform vec3 u_key;
uniform vec3 u_up;
uniform float u_alpha;
void main() {
    vec3 n = normalize(cross(dFdx(v_world), dFdy(v_world)));
    vec3 v = normalize(u_eye - v_world);
    if (dot(n, v) < 0.0) n = -n;  // two-sided: meshes are rarely closed or consistently wound
    float light = 0.28 + 0.47 * max(dot(n, u_key), 0.0) + 0.15 * max(dot(n, u_up), 0.0)
                + 0.15 * max(dot(n, v), 0.0);
    frag = vec4(u_color * light, u_alpha);
}
"""


def _mat(m: np.ndarray) -> tuple:
    """A row-major (4, 4) matrix as the column-major 16-tuple GLSL uniforms take."""
    return tuple(float(x) for x in np.asarray(m, dtype=np.float64).T.reshape(-1))


def cull_mode(vertices: np.ndarray, faces: np.ndarray) -> int | None:
    """Which faces GL may skip for a part: GL_BACK when every piece of it is closed and wound
    outwards, GL_FRONT when every piece is wound inwards, None (draw both sides) otherwise.

    Culling halves the triangles llvmpipe rasterises, but only a closed, consistently wound surface
    never shows its back faces.
    """
    import trimesh

    mesh = trimesh.Trimesh(vertices, faces, process=False)
    if not (mesh.is_watertight and mesh.is_winding_consistent):
        return None
    signs = {bool(piece.volume > 0) for piece in mesh.split(only_watertight=False)}
    if signs == {True}:
        return gl.GL_BACK
    if signs == {False}:
        return gl.GL_FRONT
    return None


@dataclass
class _GPUMesh:
    vao: int
    buffers: tuple[int, int]
    count: int
    cull: int | None = None

    def draw(self) -> None:
        gl.glBindVertexArray(self.vao)
        gl.glDrawElements(gl.GL_TRIANGLES, self.count, gl.GL_UNSIGNED_INT, 0)

    def delete(self) -> None:
        gl.glDeleteBuffers(2, (gl.GLuint * 2)(*self.buffers))
        gl.glDeleteVertexArrays(1, (gl.GLuint * 1)(self.vao))


def upload(vertices: np.ndarray, faces: np.ndarray) -> _GPUMesh:
    """Upload vertices (V, 3) and faces (F, 3) to a new vertex array object."""
    v = np.ascontiguousarray(vertices, dtype=np.float32)
    f = np.ascontiguousarray(faces, dtype=np.uint32)
    vao = gl.GLuint()
    gl.glGenVertexArrays(1, ctypes.byref(vao))
    gl.glBindVertexArray(vao)
    bufs = (gl.GLuint * 2)()
    gl.glGenBuffers(2, bufs)
    gl.glBindBuffer(gl.GL_ARRAY_BUFFER, bufs[0])
    gl.glBufferData(gl.GL_ARRAY_BUFFER, v.nbytes, v.ctypes.data, gl.GL_STATIC_DRAW)
    gl.glEnableVertexAttribArray(0)
    gl.glVertexAttribPointer(0, 3, gl.GL_FLOAT, gl.GL_FALSE, 0, 0)
    gl.glBindBuffer(gl.GL_ELEMENT_ARRAY_BUFFER, bufs[1])
    gl.glBufferData(gl.GL_ELEMENT_ARRAY_BUFFER, f.nbytes, f.ctypes.data, gl.GL_STATIC_DRAW)
    gl.glBindVertexArray(0)
    return _GPUMesh(vao.value, (bufs[0], bufs[1]), f.size)


def arrow_mesh(segments: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A unit arrow along +Z from z=-1 to z=1: shaft radius 0.015, head 0.12 long, radius 0.04."""
    ang = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    ring = np.c_[np.cos(ang), np.sin(ang), np.zeros(segments)]
    shaft_r, head_r, head_len = 0.015, 0.045, 0.14
    verts = np.concatenate([
        ring * shaft_r + [0, 0, -1.0],
        ring * shaft_r + [0, 0, 1.0 - head_len],
        ring * head_r + [0, 0, 1.0 - head_len],
        [[0, 0, 1.0]],
        [[0, 0, -1.0]],
    ])
    faces = []
    n = segments
    for i in range(n):
        j = (i + 1) % n
        faces += [[i, j, n + j], [i, n + j, n + i]]  # shaft
        faces += [[2 * n + i, 2 * n + j, 3 * n]]  # head cone
        faces += [[n + i, n + j, 2 * n + j], [n + i, 2 * n + j, 2 * n + i]]  # head base
        faces += [[3 * n + 1, j, i]]  # tail cap
    return verts, np.asarray(faces)


def sphere_mesh(rings: int = 8, segments: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """A unit UV sphere."""
    theta = np.linspace(0, np.pi, rings + 1)
    phi = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    verts = np.c_[(np.sin(t) * np.cos(p)).ravel(), np.cos(t).ravel(), (np.sin(t) * np.sin(p)).ravel()]
    faces = []
    for r in range(rings):
        for s in range(segments):
            a, b = r * segments + s, r * segments + (s + 1) % segments
            c, d = a + segments, b + segments
            faces += [[a, c, b], [b, c, d]]
    return verts, np.asarray(faces)


class _Target:
    """An off-screen framebuffer with a colour texture and a depth buffer."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        fbo, tex, depth = gl.GLuint(), gl.GLuint(), gl.GLuint()
        gl.glGenFramebuffers(1, ctypes.byref(fbo))
        gl.glGenTextures(1, ctypes.byref(tex))
        gl.glGenRenderbuffers(1, ctypes.byref(depth))
        gl.glBindTexture(gl.GL_TEXTURE_2D, tex)
        gl.glTexImage2D(gl.GL_TEXTURE_2D, 0, gl.GL_RGBA8, width, height, 0, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, None)
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_MIN_FILTER, gl.GL_NEAREST)
        gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_MAG_FILTER, gl.GL_NEAREST)
        gl.glBindRenderbuffer(gl.GL_RENDERBUFFER, depth)
        gl.glRenderbufferStorage(gl.GL_RENDERBUFFER, gl.GL_DEPTH_COMPONENT24, width, height)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo)
        gl.glFramebufferTexture2D(gl.GL_FRAMEBUFFER, gl.GL_COLOR_ATTACHMENT0, gl.GL_TEXTURE_2D, tex, 0)
        gl.glFramebufferRenderbuffer(gl.GL_FRAMEBUFFER, gl.GL_DEPTH_ATTACHMENT, gl.GL_RENDERBUFFER, depth)
        self.complete = gl.glCheckFramebufferStatus(gl.GL_FRAMEBUFFER) == gl.GL_FRAMEBUFFER_COMPLETE
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        self.fbo, self.tex, self.depth = fbo.value, tex.value, depth.value

    def delete(self) -> None:
        gl.glDeleteFramebuffers(1, (gl.GLuint * 1)(self.fbo))
        gl.glDeleteTextures(1, (gl.GLuint * 1)(self.tex))
        gl.glDeleteRenderbuffers(1, (gl.GLuint * 1)(self.depth))


class GLScene:
    """Parts of one mesh on the GPU, drawn into a viewport rectangle of the window.

    Call only with the window's GL context current.
    """

    def __init__(self):
        self.program = ShaderProgram(Shader(_VERTEX, "vertex"), Shader(_FRAGMENT, "fragment"))
        self.parts: list[_GPUMesh | None] = []
        self.proxies: list[_GPUMesh | None] = []  # stand-ins while the camera moves (None: whole)
        self.centres: list[np.ndarray] = []  # each part's rest box centre, for the drawing order
        self.arrow = upload(*arrow_mesh())
        self.ball = upload(*sphere_mesh())
        self._static: _Target | None = None
        self._frame: _Target | None = None
        self._small: _Target | None = None  # the reduced-size view while the camera moves
        self._static_key = None
        self.cache = True
        self.lod = True

    def set_mesh(self, vertices: np.ndarray, faces: np.ndarray, face_labels: np.ndarray, n_parts: int) -> None:
        """Upload every part (rest pose); replaces any previous mesh."""
        self.clear()
        local_parts = []
        for label in range(n_parts):
            part_faces = faces[face_labels == label]
            if not len(part_faces):
                self.parts.append(None)
                self.centres.append(np.zeros(3))
                local_parts.append((np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)))
                continue
            used, inverse = np.unique(part_faces, return_inverse=True)
            v, local = locality_order(vertices[used], inverse.reshape(-1, 3))
            self.centres.append((v.min(axis=0) + v.max(axis=0)) / 2.0)
            gpu = upload(v, local)
            gpu.cull = cull_mode(v, local)
            self.parts.append(gpu)
            local_parts.append((v, local))
        for gpu, proxy in zip(self.parts, stand_ins(local_parts)):
            if proxy is None:
                self.proxies.append(None)
                continue
            stand_in = upload(*locality_order(*proxy))
            # Clustering keeps each surviving triangle's winding, so a closed part's stand-in may
            # skip the same faces: where thin walls collapsed, the side facing the eye remains.
            stand_in.cull = gpu.cull if gpu is not None else None
            self.proxies.append(stand_in)
        self._static_key = None

    def clear(self) -> None:
        for p in self.parts + self.proxies:
            if p is not None:
                p.delete()
        self.parts, self.proxies, self.centres = [], [], []
        self._static_key = None

    # -- drawing ---------------------------------------------------------------------------------

    def _front_to_back(self, labels, camera, transforms) -> list[int]:
        """``labels`` nearest first (by the posed centre of each part's box): the depth test then
        rejects hidden fragments before shading them (a cabinet's inside, behind its doors)."""
        eye = camera.eye

        def distance(label: int) -> float:
            if label >= len(self.centres):
                return 0.0
            T = transforms[label]
            return float(np.linalg.norm(T[:3, :3] @ self.centres[label] + T[:3, 3] - eye))

        return sorted(labels, key=distance)

    def _draw_parts(self, labels, camera, transforms, colors, light: bool = False) -> None:
        prog = self.program
        for label in self._front_to_back(labels, camera, transforms):
            mesh = self.parts[label]
            if light and label < len(self.proxies) and self.proxies[label] is not None:
                mesh = self.proxies[label]
            if mesh is None:
                continue
            prog["u_model"] = _mat(transforms[label])
            prog["u_color"] = tuple(colors[label][:3])
            if mesh.cull is None:
                gl.glDisable(gl.GL_CULL_FACE)
            else:
                gl.glEnable(gl.GL_CULL_FACE)
                gl.glCullFace(mesh.cull)
            mesh.draw()
        gl.glDisable(gl.GL_CULL_FACE)

    def _begin(self, camera) -> None:
        prog = self.program
        prog.use()
        view = camera.view
        prog["u_viewproj"] = _mat(camera.projection @ view)
        eye = camera.eye
        prog["u_eye"] = tuple(eye)
        # Key light from above the viewer's left shoulder, in world space.
        key = -0.55 * view[0, :3] + 0.6 * view[1, :3] + 0.6 * view[2, :3]
        prog["u_key"] = tuple(key / np.linalg.norm(key))
        prog["u_up"] = tuple(camera.up)
        prog["u_alpha"] = 1.0
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(gl.GL_LESS)

    def _draw_ghosts(self, ghosts, light: bool = False) -> None:
        """See-through parts, after the opaque ones: depth-tested, not depth-written, blended."""
        if not ghosts:
            return
        prog = self.program
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA)
        gl.glDepthMask(gl.GL_FALSE)
        gl.glDisable(gl.GL_CULL_FACE)
        for g in ghosts:
            if not 0 <= g.label < len(self.parts):
                continue
            mesh = self.parts[g.label]
            if light and self.proxies[g.label] is not None:
                mesh = self.proxies[g.label]
            if mesh is None:
                continue
            prog["u_model"] = _mat(g.model)
            prog["u_color"] = tuple(g.color[:3])
            prog["u_alpha"] = float(g.alpha)
            mesh.draw()
        prog["u_alpha"] = 1.0
        gl.glDepthMask(gl.GL_TRUE)
        gl.glDisable(gl.GL_BLEND)

    def _draw_overlays(self, overlays) -> None:
        if not overlays:
            return
        prog = self.program
        gl.glDisable(gl.GL_DEPTH_TEST)  # the joint stays visible through the parts
        for o in overlays:
            prog["u_model"] = _mat(o.model)
            prog["u_color"] = tuple(o.color)
            (self.arrow if o.kind == "arrow" else self.ball).draw()
        gl.glEnable(gl.GL_DEPTH_TEST)

    def _targets(self, width: int, height: int) -> bool:
        if self._static is None or (self._static.width, self._static.height) != (width, height):
            for t in (self._static, self._frame):
                if t is not None:
                    t.delete()
            self._static, self._frame = _Target(width, height), _Target(width, height)
            self._static_key = None
        return self._static.complete and self._frame.complete

    def _small_target(self, width: int, height: int) -> bool:
        if self._small is None or (self._small.width, self._small.height) != (width, height):
            if self._small is not None:
                self._small.delete()
            self._small = _Target(width, height)
        return self._small.complete

    def _draw_moving(self, viewport, camera, transforms, colors, overlays, ghosts=()) -> bool:
        """The camera moves: every part (stand-ins where there are) into a smaller target, scaled
        up into ``viewport``. False when the target cannot be made (then draw as usual)."""
        x, y, w, h = viewport
        sw, sh = max(int(w * MOVING_SCALE), 1), max(int(h * MOVING_SCALE), 1)
        if not self._small_target(sw, sh):
            return False
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self._small.fbo)
        gl.glViewport(0, 0, sw, sh)
        gl.glClearColor(*BACKGROUND, 1.0)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
        self._begin(camera)
        self._draw_parts(range(len(self.parts)), camera, transforms, colors, light=True)
        self._draw_ghosts(ghosts, light=True)
        self._draw_overlays(overlays)
        self.program.stop()
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self._small.fbo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glBlitFramebuffer(0, 0, sw, sh, x, y, x + w, y + h, gl.GL_COLOR_BUFFER_BIT, gl.GL_LINEAR)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        return True

    def draw(self, viewport: tuple[int, int, int, int], camera, transforms, colors, dynamic=(),
             overlays=(), static_version: int = 0, moving: bool = False, ghosts=()) -> None:
        """Draw into ``viewport`` (x, y, width, height; GL pixels from the bottom-left).

        transforms: (4, 4) per part. colors: RGB(A) per part. dynamic: labels that change from frame
        to frame (drawn every frame; the rest come from the cache while these are the same).
        overlays: :class:`viewer.overlay.Overlay` arrows and balls drawn on top, every frame.
        static_version: bump whenever a static part's pose or colour changes. moving: the camera is
        moving (orbit, pan, zoom): with ``lod`` on, the view is drawn smaller and scaled up, heavy
        parts from their stand-ins; no cache is kept. ghosts: :class:`viewer.overlay.Ghost` parts
        drawn see-through (with the static parts into the cache: bump ``static_version`` when they
        change). :class:`viewer.overlay.PartOverlays` builds the overlays and the ghosts.
        """
        x, y, w, h = viewport
        dynamic = tuple(sorted(set(dynamic)))
        static = [i for i in range(len(self.parts)) if i not in dynamic]
        if moving and self.lod and self._draw_moving(viewport, camera, transforms, colors, overlays, ghosts):
            return
        use_cache = self.cache and dynamic and not moving and self._targets(w, h)
        if not use_cache:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
            gl.glViewport(x, y, w, h)
            gl.glEnable(gl.GL_SCISSOR_TEST)
            gl.glScissor(x, y, w, h)
            gl.glClearColor(*BACKGROUND, 1.0)
            gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
            gl.glDisable(gl.GL_SCISSOR_TEST)
            self._begin(camera)
            self._draw_parts(range(len(self.parts)), camera, transforms, colors)
            self._draw_ghosts(ghosts)
            self._draw_overlays(overlays)
            self.program.stop()
            return

        key = (dynamic, static_version, camera.view.tobytes(), camera.projection.tobytes(), w, h)
        self._begin(camera)
        gl.glViewport(0, 0, w, h)
        if key != self._static_key:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self._static.fbo)
            gl.glClearColor(*BACKGROUND, 1.0)
            gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
            self._draw_parts(static, camera, transforms, colors)
            self._draw_ghosts(ghosts)
            self._static_key = key
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self._static.fbo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, self._frame.fbo)
        gl.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT, gl.GL_NEAREST)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self._frame.fbo)
        self._draw_parts(dynamic, camera, transforms, colors)
        self._draw_overlays(overlays)
        self.program.stop()
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self._frame.fbo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glBlitFramebuffer(0, 0, w, h, x, y, x + w, y + h, gl.GL_COLOR_BUFFER_BIT, gl.GL_NEAREST)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
