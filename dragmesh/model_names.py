"""The names of the pipeline's interchangeable components, for the command line's choices.

Kept apart from :mod:`dragmesh.pipeline` (which imports torch and the models) so that building
the command-line parser, ``dragmesh --help`` and ``dragmesh info`` stay light.
"""

JOINT_MODELS = ("kppnet", "geometric", "dragfit")
MOTION_MODELS = ("dqvae", "analytic")
