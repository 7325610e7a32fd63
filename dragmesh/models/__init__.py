"""Joint inference and motion generation: the geometric baseline and the learned models."""
