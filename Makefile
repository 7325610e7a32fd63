# The two commands of the README. Each sets up what it needs by itself.
VENV := .venv
STAMP := $(VENV)/.setup-stamp

.PHONY: demo test setup

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh $(wildcard tools/gltf-validator/package.json)
	bash scripts/setup.sh
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dragmesh demo --out demo_out

test: $(STAMP)
	$(VENV)/bin/python -m pytest
