# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make report   creates .venv, installs, builds the tables, runs the notebooks, writes reports/
#   make test     creates .venv, installs and runs the tests
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install build report test score codebook-check codebook-snapshot bench notebooks lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(VENV)/bin/minzheng build

# the seed corpus, then the State Council's work reports 1954-2025 (corpora/national)
report: $(STAMP)
	$(VENV)/bin/minzheng report
	$(VENV)/bin/minzheng report --root corpora/national

# JupyterLab is an extra ([lab]); headless (no browser), and as root when run as root
LAB_FLAGS := --no-browser $(if $(filter 0,$(shell id -u)),--allow-root)

# the kernel papermill and JupyterLab run the notebooks in, and each script paired with its
# .ipynb (not committed: the percent scripts are the source)
notebooks: $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name minzheng --display-name "minzheng (.venv)"
	$(VENV)/bin/jupytext --sync notebooks/*.py

lab: notebooks
	$(PY) -m pip install --quiet -e '.[dev,lab]'
	cd notebooks && ../$(VENV)/bin/jupyter lab $(LAB_FLAGS)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q

score: $(STAMP)
	$(PY) -m pytest -q -s tests/test_gold_outline.py tests/test_themes.py::test_gold_theme_accuracy

codebook-check: $(STAMP)
	$(PY) -m pytest -q -s tests/test_themes.py::test_codebook_changes_list_the_gold_items_that_changed_label

codebook-snapshot: $(STAMP)
	cd tests && ../$(PY) snapshot_themes.py

bench: $(STAMP)
	$(PY) -m benchmarks.scaling
	$(PY) -m benchmarks.bench --stages
	$(PY) -m benchmarks.bench

clean:
	rm -rf $(VENV) data/processed reports/*/ reports/latest corpora/*/data/processed corpora/*/reports
