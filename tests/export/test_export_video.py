import imageio.v3 as iio
import numpy as np
import pytest

from dragmesh.errors import ExportError
from dragmesh.export.video import render_asset, write_video
from dragmesh.render import PART_COLOR

SIZE = (160, 120)


@pytest.fixture(scope="module")
def frames():
    """Rendered once for the module; skips when no offscreen GL context can be made (no EGL)."""
    from export_assets import make_asset

    try:
        return make_asset(frames=4), render_asset(make_asset(frames=4), size=SIZE, loop="pingpong")
    except ExportError as exc:
        pytest.skip(f"offscreen rendering unavailable: {exc}")


def test_render_shows_the_part_in_the_highlight_colour_and_moves_it(frames):
    asset, images = frames
    assert len(images) == 2 * 4 - 2  # ping-pong: 0 1 2 3 2 1
    assert all(im.shape == (SIZE[1], SIZE[0], 3) and im.dtype == np.uint8 for im in images)
    highlight = np.asarray(PART_COLOR[:3]) * 255
    # lit orange: red clearly above blue, hue near the highlight's
    ratio = images[0][..., 0].astype(float) / np.maximum(images[0][..., 2], 1)
    assert (ratio > 1.8).mean() > 0.02, "the moving part should cover part of the image"
    assert highlight[0] > highlight[2]
    assert not np.array_equal(images[0], images[3]), "the part should move between frames"
    np.testing.assert_array_equal(images[1], images[5])  # ping-pong replays frames backwards


def test_mp4_gif_and_thumbnail(tmp_path, frames):
    asset, images = frames
    mp4 = write_video(asset, tmp_path / "a.mp4", fps=10, frames=images)
    gif = write_video(asset, tmp_path / "a.gif", fps=10, frames=images, thumbnail=False)
    assert [p.name for p in mp4] == ["a.mp4", "a.png"]
    assert [p.name for p in gif] == ["a.gif"]
    gif_frames = iio.imread(tmp_path / "a.gif", index=None)
    assert gif_frames.shape[0] == len(images)
    thumb = iio.imread(tmp_path / "a.png")
    np.testing.assert_array_equal(thumb[..., :3], images[0])
    video = iio.imread(tmp_path / "a.mp4", index=None, plugin="pyav") if _has_pyav() else None
    assert (tmp_path / "a.mp4").stat().st_size > 1000
    if video is not None:
        assert len(video) == len(images)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif", "a.mp4", "a.png"]  # no temp files


def _has_pyav():
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True
