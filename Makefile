# The two commands README.md promises. Each installs what it needs (idempotently) first.
.PHONY: demo test deps build bundle bench lint clean

deps:
	@bash scripts/install-deps.sh

build: deps
	npm run build

bundle: deps
	npm run bundle

demo: bundle
	node test/dist/demo/main.js $(DEMO_ARGS)

test: bundle
	npm test

bench: deps
	npm run bench

lint: deps
	npm run lint

clean:
	npm run clean
