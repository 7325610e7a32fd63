import numpy as np
import pytest

from dragmesh.errors import URDFError
from dragmesh.io import load_mesh
from dragmesh.io.urdf import rpy_matrix
from partmesh_files import MOBILITY, box, pose, write_mobility_folder


@pytest.fixture(scope="module")
def mobility(tmp_path_factory):
    return write_mobility_folder(tmp_path_factory.mktemp("cabinet"))


@pytest.fixture(scope="module")
def mesh(mobility):
    return load_mesh(mobility)


def part_points(mesh, name):
    return mesh.vertices[np.unique(mesh.faces[mesh.face_labels == mesh.part_index(name)])]


def test_rpy_is_fixed_axis_xyz():
    rpy = np.array([0.3, -0.7, 1.1])
    expected = pose((0, 0, 0), rpy)[:3, :3]
    assert np.allclose(rpy_matrix(rpy), expected)


def test_links_with_visuals_become_parts(mesh, mobility):
    assert mesh.part_names == ["base", "door", "drawer", "knob"]  # door_mount has no visual
    assert mesh.source == str(mobility / "mobility.urdf")


def test_door_is_placed_through_the_joint_chain(mesh):
    m = MOBILITY
    world = pose(**m["mount"]) @ pose(m["hinge"]["xyz"], m["hinge"]["rpy"]) @ pose(**m["door_visual"])
    v, _ = box((0, 0, 0), (0.05, 0.8, 0.6))
    expected = v @ world[:3, :3].T + world[:3, 3]
    got = part_points(mesh, "door")
    assert np.allclose(np.sort(got, axis=0), np.sort(expected, axis=0), atol=1e-9)


def test_revolute_joint_in_mesh_coordinates(mesh):
    m = MOBILITY
    frame = pose(**m["mount"]) @ pose(m["hinge"]["xyz"], m["hinge"]["rpy"])
    door = mesh.joints["door"]
    assert door.type == "revolute"
    assert np.allclose(door.axis, frame[:3, :3] @ m["hinge"]["axis"])
    assert np.allclose(door.origin, frame[:3, 3])
    assert door.limits == pytest.approx((0.0, 1.5708))


def test_prismatic_and_continuous_joints(mesh):
    drawer = mesh.joints["drawer"]
    assert drawer.type == "prismatic"
    assert np.allclose(drawer.axis, [1, 0, 0]) and np.allclose(drawer.origin, MOBILITY["slide"]["xyz"])
    assert drawer.limits == pytest.approx(MOBILITY["slide"]["limits"])
    knob = mesh.joints["knob"]
    assert knob.type == "revolute" and knob.limits is None
    assert np.allclose(knob.origin, np.add(MOBILITY["slide"]["xyz"], [0.25, 0, 0]))
    assert "base" not in mesh.joints


def test_the_urdf_file_and_its_folder_load_the_same(mobility, mesh):
    direct = load_mesh(mobility / "mobility.urdf")
    assert np.array_equal(direct.vertices, mesh.vertices) and direct.part_names == mesh.part_names


def test_a_part_under_a_fixed_joint_inherits_the_movable_joint_above(tmp_path):
    folder = write_mobility_folder(tmp_path)
    urdf = (folder / "mobility.urdf").read_text()
    urdf = urdf.replace('<link name="door_mount"/>', '<link name="door_mount"/><link name="handle">'
                        '<visual><geometry><box size="0.1 0.1 0.1"/></geometry></visual></link>')
    urdf = urdf.replace("</robot>", '<joint name="h" type="fixed"><parent link="door"/>'
                        '<child link="handle"/><origin xyz="0 0.3 0"/></joint></robot>')
    (folder / "mobility.urdf").write_text(urdf)
    mesh = load_mesh(folder)
    assert mesh.joints["handle"].isclose(mesh.joints["door"])
    assert mesh.part_names == ["base", "handle", "door", "drawer", "knob"]  # the file's link order


def test_missing_limit_bounds_mean_unknown(tmp_path):
    folder = write_mobility_folder(tmp_path, hinge_limit='<limit effort="5" velocity="1"/>')
    assert load_mesh(folder).joints["door"].limits is None


@pytest.mark.parametrize(
    "overrides, match",
    [
        ({"hinge_limit": '<limit lower="zero" upper="1"/>'}, "limit lower must be a number"),
        ({"hinge_limit": '<limit lower="1" upper="0"/>'}, "lower 1.0 > upper 0.0"),
        ({"hinge_xyz": "0.3 abc 0.4"}, "joint 'joint_hinge' origin xyz must be 3 numbers"),
        ({"hinge_xyz": "0.3 0.4"}, "origin xyz must be 3 numbers"),
        ({"door_mesh": "textured_objs/missing.obj"}, "mesh file not found: textured_objs/missing.obj"),
        ({"hinge_limit": "<limit"}, "malformed URDF"),
    ],
)
def test_malformed_urdf(tmp_path, overrides, match):
    folder = write_mobility_folder(tmp_path, **overrides)
    with pytest.raises(URDFError, match=match):
        load_mesh(folder)


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "<robot><link name='a'/>"
            "<joint name='j' type='fixed'><parent link='a'/><child link='b'/></joint></robot>",
            "unknown link 'b'",
        ),
        ("<robot><link name='a'/><link name='b'/>"
         "<joint name='j' type='fixed'><parent link='a'/><child link='b'/></joint>"
         "<joint name='k' type='fixed'><parent link='b'/><child link='a'/></joint></robot>", "cycle"),
        ("<robot><link name='a'/><link name='a'/></robot>", "defined twice"),
        ("<robot><link name='a'/><joint name='j' type='hinge'/></robot>", "unknown type 'hinge'"),
        ("<model/>", "not <robot>"),
        ("<robot><link name='a'><visual><geometry/></visual></link></robot>", "no mesh, box"),
    ],
)
def test_malformed_structure(tmp_path, text, match):
    path = tmp_path / "r.urdf"
    path.write_text(text)
    with pytest.raises(URDFError, match=match):
        load_mesh(path)


def test_package_paths_and_primitives(tmp_path):
    (tmp_path / "meshes").mkdir()
    from partmesh_files import write_obj

    write_obj(tmp_path / "meshes" / "a.obj", {"a": box()})
    (tmp_path / "r.urdf").write_text(
        "<robot name='r'>"
        "<link name='a'><visual><geometry><mesh filename='package://r/meshes/a.obj' scale='2 2 2'/>"
        "</geometry></visual></link>"
        "<link name='b'><visual><origin xyz='5 0 0'/>"
        "<geometry><sphere radius='0.5'/></geometry></visual></link>"
        "<joint name='j' type='prismatic'><parent link='a'/><child link='b'/><axis xyz='0 2 0'/></joint>"
        "</robot>"
    )
    mesh = load_mesh(tmp_path / "r.urdf")
    assert mesh.part_names == ["a", "b"]
    assert np.allclose(np.ptp(part_points(mesh, "a"), axis=0), 2)
    assert np.allclose(part_points(mesh, "b").mean(axis=0), [5, 0, 0], atol=0.05)
    assert np.allclose(mesh.joints["b"].axis, [0, 1, 0]) and mesh.joints["b"].limits is None
