# dondoc: `make demo` serves the app on SQLite; `make test` runs the whole suite
# against a throwaway Elasticsearch and PostgreSQL. Both install what they need.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := openjdk-17-jre-headless maven unzip curl fonts-dejavu-core tesseract-ocr tesseract-ocr-vie libmagic1 chromium chromium-driver poppler-utils libreoffice-writer-nogui dovecot-imapd postgresql redis-server
STAMP := $(VENV)/.installed

.PHONY: demo test lint system venv es-start es-stop pg-start pg-stop redis-start redis-stop eval bench bench-scale bench-restore model clean

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: system venv
	$(BIN)/dondoc db upgrade
	$(BIN)/dondoc ingest --confirm corpus/seeds corpus/dev || true
	$(BIN)/dondoc user add demo --role admin --password demo --if-missing
	@echo "Đăng nhập thử: tên demo, mật khẩu demo"
	$(BIN)/dondoc serve --host 127.0.0.1 --port 5000

es-start: venv
	scripts/es.sh start

es-stop:
	scripts/es.sh stop

lint: venv
	$(BIN)/ruff check dondoc tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python scripts/complexity.py 25

pg-start:
	scripts/pg.sh start

pg-stop:
	scripts/pg.sh stop

redis-start:
	scripts/redis.sh start

redis-stop:
	scripts/redis.sh stop

test: system venv lint
	@scripts/es.sh start; PG_FSYNC=off scripts/pg.sh start; scripts/redis.sh start; \
	. scripts/es.env; . scripts/pg.env; . scripts/redis.env; \
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=25 $(PYTEST_ARGS); rc=$$?; \
	scripts/es.sh stop; scripts/pg.sh stop; scripts/redis.sh stop; exit $$rc

eval: venv
	$(BIN)/dondoc eval corpus

bench: system venv
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/web.py
	@scripts/es.sh start; \
	. scripts/es.env; \
	$(BIN)/python benchmarks/search.py; rc=$$?; \
	scripts/es.sh stop; exit $$rc

# The diacritic restorer's model (dondoc/restore/data/), from ../shared/corpus/unlabelled/text;
# the trained file is committed, so neither `make test` nor `make demo` runs this.
model: venv
	nice $(BIN)/dondoc train-restorer

bench-scale: system venv
	@scripts/es.sh start; PG_FSYNC=off scripts/pg.sh start; . scripts/es.env; . scripts/pg.env; \
	nice $(BIN)/python benchmarks/scale.py $(SCALE_ARGS); rc=$$?; \
	scripts/es.sh stop; scripts/pg.sh stop; exit $$rc

bench-restore: venv
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/restore.py

clean:
	rm -rf $(VENV) .es build *.egg-info scripts/es.env scripts/pg.env
