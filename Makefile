# tongban — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test install lint contracts checks unit bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) scripts/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

## make demo: install, migrate, load the demo city, serve on http://127.0.0.1:8000 with a worker
demo: install
	$(BIN)/tongban demo

## make test: lint, import contracts, migrations check, deploy check, every test
test: install lint contracts checks unit

lint:
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

contracts:
	$(BIN)/lint-imports

checks:
	TONGBAN_VAR_DIR=$$(mktemp -d) $(BIN)/tongban makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tongban.settings.production \
	TONGBAN_VAR_DIR=$$(mktemp -d) \
	TONGBAN_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	TONGBAN_FIELD_KEY=check-deploy-field-key TONGBAN_AUDIT_KEY=check-deploy-audit-key \
	TONGBAN_ALLOWED_HOSTS=tongban.example.gov.cn \
	$(BIN)/tongban check --deploy --fail-level WARNING
	$(BIN)/python scripts/check_messages.py

unit:
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

## make messages: extract and compile translations after changing strings
messages: install
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
