# The two commands a new user needs: `make run` serves the API and a worker on demo data,
# `make test` runs the whole suite. Both install what is missing first (see scripts/dev.sh).
.PHONY: run test stop bench setup lint format requirements translations

run:
	@scripts/dev.sh run

test:
	@scripts/dev.sh test $(ARGS)

stop:
	@scripts/dev.sh stop

# Benchmarks (not part of the tests): builds a database with a million tasks, then prints
# the figures recorded in BENCHMARKS.md. `make bench ARGS="--reuse"` keeps the database.
bench:
	@scripts/dev.sh bench $(ARGS)

setup:
	@scripts/dev.sh setup

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# Re-pin requirements*.txt from requirements*.in (needs pip-tools).
requirements:
	pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements.in -o requirements.txt
	pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements-dev.in -o requirements-dev.txt

# The catalogues of sentences people read (fieldtasks/i18n.py): extract them from the code and the templates, add
# the new ones to each language's .po (then translate them there), and compile the .mo files the app reads.
translations:
	.venv/bin/python scripts/translations.py
