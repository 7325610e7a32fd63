"""DragMesh: drag a part of a static mesh; infer its joint; generate the motion."""

__version__ = "0.1.0"
