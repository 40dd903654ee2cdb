# JobBot — the two commands: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run stack test bench fuzz images compose-check terraform-check tools spa api fmt lint clean

## Build everything in release mode and serve the app (SPA + API) at http://localhost:3000 on SQLite.
run: tools spa api
	./target/release/jobbot offers import samples/offres-france-travail.json
	JOBBOT_BIND=$${JOBBOT_BIND:-127.0.0.1:3000} JOBBOT_STATIC_DIR=$${JOBBOT_STATIC_DIR:-frontend/dist} \
		./target/release/jobbot serve

## The production shape without Docker: PostgreSQL, `jobbot migrate`, two API instances behind Debian's nginx
## (the project's nginx/ config): the app on http://localhost:3000, admin routes on :8000 (JOBBOT_ADMIN_ALLOW).
## Ports: JOBBOT_STACK_PUBLIC_PORT / JOBBOT_STACK_ADMIN_PORT. Ctrl-C stops it.
stack: tools spa api
	scripts/stack.sh target/release/jobbot

## Everything: format, clippy (native + wasm), unit and API tests on SQLite and PostgreSQL, browser tests.
test:
	scripts/test.sh

## Benchmarks that print figures (results are kept in docs/BENCHMARKS.md): the SPA's first load (bytes on the
## wire, Lighthouse), the read path against the seed stack's twin (run when its virtualenv exists;
## scripts/bench-readpath.py says how to make it), then the API's own benchmarks.
bench: api spa
	scripts/bench-spa.sh target/release/jobbot
	python3 scripts/bench-readpath.py target/release/jobbot
	cargo bench --locked -p jobbot --bench auth
	cargo bench --locked -p jobbot --bench assistant
	cargo bench --locked -p jobbot --bench fanout
	cargo bench --locked -p jobbot --bench admin_stats
	cargo bench --locked -p jobbot --bench backup
	cargo bench --locked -p jobbot --bench offer_search
	cargo bench --locked -p jobbot --bench resume
	cargo bench --locked -p jobbot --bench hostile_pdf
	cargo bench --locked -p jobbot --bench match_score
	cargo bench --locked -p jobbot --bench cv_render

## The two production images from Dockerfile.api and Dockerfile.web unchanged, the Rust builds inside the
## containers (podman; base images from Debian's mirror where no registry answers). Cold: 31 minutes measured on
## 2 cores, so not in `make test` (docs/DEPLOYMENT.md has the measured times and sizes).
images:
	scripts/images.sh

## docker-compose.yml brought up from the runtime images (this machine's release binary and SPA) and the
## smoke set run through its nginx, then torn down (part of `make test`).
compose-check: spa
	cargo build --release --locked --bin jobbot
	scripts/compose-check.sh target/release/jobbot

## The Azure Terraform (infra/terraform/azure): its promises on the parsed files, and checkov (part of `make test`).
terraform-check:
	scripts/check-terraform.sh

## Longer runs than `make test`: schemathesis for 5 minutes against the OpenAPI contract.
fuzz:
	cargo build --locked --bin jobbot
	scripts/schemathesis.sh target/debug/jobbot 300

tools:
	scripts/ensure-tools.sh

spa: tools
	scripts/build-spa.sh

api:
	cargo build --release --locked --bin jobbot

fmt:
	cargo fmt --all

lint:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p jobbot-frontend -p jobbot-frontend-console \
		-p jobbot-frontend-workspace -p jobbot-domain -p jobbot-api-types -- -D warnings

clean:
	cargo clean
	rm -rf frontend/dist
