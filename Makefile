# The two commands of the README quick start. Each does its own set-up on a fresh machine:
# system libraries Qt needs (via apt, when missing and possible), a .venv, the Python packages.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test package package-check package-windows package-check-windows lint setup venv clean

# compileall: an editable install leaves kiosk/ without bytecode, and with
# PYTHONDONTWRITEBYTECODE set (as on this machine) every start would compile it (~30 ms)
demo: $(STAMP)
	$(BIN)/python -m compileall -q kiosk
	$(BIN)/kiosk run $(ARGS)

test: $(STAMP)
	bash tools/setup-system.sh test
	$(BIN)/ruff check kiosk tests bench assets packaging
	$(BIN)/mypy kiosk
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The frozen bundle, dist/*.deb and *.tar.gz, and the NSIS script checked (packaging/README.md).
package: $(STAMP)
	bash tools/setup-system.sh package
	$(BIN)/python -m pip install -q -e '.[package]'
	packaging/build.sh

# What CI runs after `make test`: build, dpkg -i, use the installed app, dpkg -r (needs root).
package-check: $(STAMP)
	packaging/ci-install-test.sh

# The real Windows bundle and dist/kiosk-<v>-windows-x64-setup.exe, built under Wine
# (packaging/README.md, "Windows under Wine"); apt installs Wine, NSIS and mingw-w64.
package-windows: $(STAMP)
	packaging/windows/build-wine.sh

# What CI runs after package-check: the frozen kiosk.exe, the show on Wine's X11 driver,
# setup.exe /S, autostart, uninstall.exe /S. Builds first if package-windows has not.
package-check-windows: $(STAMP)
	test -f build/bundle-windows/kiosk/kiosk.exe || packaging/windows/build-wine.sh
	$(BIN)/python packaging/windows/check_wine.py

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup-system.sh
	bash tools/setup-system.sh run
	$(MAKE) --no-print-directory venv
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	$(BIN)/python -m compileall -q kiosk
	touch $@

# A venv is usable when its pip runs: one left half-made by a failed `python3 -m venv` (no
# python3-venv yet) has bin/python but no pip, and is made again (#18 G).
venv:
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
