#!/usr/bin/env python3
"""Builds one of the SPA's builds from its index.html, as trunk 0.21 did, without trunk (which cost ~9 minutes of
compiling on a bare 2-core machine): cargo for wasm32, wasm-bindgen, wasm-opt, then the files named by their
content hash with their Subresource Integrity, and the page's module loader inline (scripts/spa-loader.py then
moves it out for the CSP).

    scripts/spa-build.py frontend             (reads frontend/index.html and frontend/Trunk.toml)
    scripts/spa-build.py frontend/console     (served under the public_url of its Trunk.toml)

The page's `<link data-trunk …>` tags say what to do, in trunk's own words (the files keep working with trunk, e.g.
`trunk serve` while developing):
- `rel="copy-file" href=F`: F copied as is to the build's root;
- `rel="icon"`, `rel="css" href=F`: F copied as name-HASH.ext, linked with its integrity;
- `rel="rust"`: `cargo build --target wasm32-unknown-unknown --profile data-cargo-profile-release --bin data-bin
  --features data-cargo-features --offline --locked`, `wasm-bindgen --target web --no-typescript`, `wasm-opt
  -O<data-wasm-opt> <data-wasm-opt-params>`, the module and its WebAssembly preloaded with their integrity.
The build folder is emptied first (the main build first: the console and workspace builds live inside it).
"""
import base64
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

TAG = re.compile(r"<link\s+data-trunk\b([^>]*?)/?>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def run(*command: str, cwd: pathlib.Path | None = None) -> None:
    print("   ", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=cwd)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def hashed_copy(source: pathlib.Path, dist: pathlib.Path) -> tuple[str, bytes]:
    data = source.read_bytes()
    name = f"{source.stem}-{content_hash(data)}{source.suffix}"
    (dist / name).write_bytes(data)
    return name, data


def target_directory(manifest: pathlib.Path) -> pathlib.Path:
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline", "--locked",
         "--manifest-path", str(manifest)],
        check=True, capture_output=True, text=True,
    ).stdout
    return pathlib.Path(json.loads(metadata)["target_directory"])


def build_rust(page_dir: pathlib.Path, attrs: dict, dist: pathlib.Path, prefix: str) -> str:
    manifest = (page_dir / attrs.get("href", "Cargo.toml")).resolve()
    if manifest.is_dir():
        manifest = manifest / "Cargo.toml"
    binary = attrs["data-bin"]
    profile = attrs.get("data-cargo-profile-release", "release")
    command = ["cargo", "build", "--target=wasm32-unknown-unknown", "--manifest-path", str(manifest),
               "--profile", profile, "--offline", "--locked", "--bin", binary]
    if attrs.get("data-cargo-features"):
        command += ["--features", attrs["data-cargo-features"]]
    run(*command)
    wasm = target_directory(manifest) / "wasm32-unknown-unknown" / profile / f"{binary}.wasm"
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        run("wasm-bindgen", "--target=web", f"--out-dir={scratch}", f"--out-name={binary}", "--no-typescript",
            str(wasm))
        bound = scratch / f"{binary}_bg.wasm"
        name = f"{binary}-{content_hash(bound.read_bytes())}"
        level = attrs.get("data-wasm-opt")
        if level and level != "0":
            version = subprocess.run(["wasm-opt", "--version"], capture_output=True, text=True).stdout
            if "version 116" not in version:
                # Debian's binaryen 108 writes a wrong table index into wasm-bindgen's output: the page never starts.
                raise SystemExit(f"wasm-opt 116 is needed, found {version.strip() or 'none'} (scripts/ensure-tools.sh)")
            params = attrs.get("data-wasm-opt-params", "").split()
            run("wasm-opt", f"--output={dist / (name + '_bg.wasm')}", f"-O{level}", *params, str(bound))
        else:
            shutil.copyfile(bound, dist / f"{name}_bg.wasm")
        shutil.copyfile(scratch / f"{binary}.js", dist / f"{name}.js")
        if (scratch / "snippets").is_dir():
            shutil.copytree(scratch / "snippets", dist / "snippets")
    js = (dist / f"{name}.js").read_bytes()
    module = (dist / f"{name}_bg.wasm").read_bytes()
    return (
        '\n<script type="module">\n'
        f"import init, * as bindings from '{prefix}{name}.js';\n"
        f"const wasm = await init({{ module_or_path: '{prefix}{name}_bg.wasm' }});\n\n\n"
        "window.wasmBindings = bindings;\n\n\n"
        'dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));\n'
        "</script>\n"
        f'  <link rel="modulepreload" href="{prefix}{name}.js" crossorigin="anonymous" integrity="{integrity(js)}">'
        f'<link rel="preload" href="{prefix}{name}_bg.wasm" crossorigin="anonymous" integrity="{integrity(module)}"'
        ' as="fetch" type="application/wasm">'
    )


def main(page_dir: pathlib.Path) -> int:
    page_dir = page_dir.resolve()
    settings = {}
    if (page_dir / "Trunk.toml").exists():
        settings = tomllib.loads((page_dir / "Trunk.toml").read_text(encoding="utf-8")).get("build", {})
    page = page_dir / settings.get("target", "index.html")
    dist = (page_dir / settings.get("dist", "dist")).resolve()
    prefix = settings.get("public_url", "/")
    if dist == page_dir or page_dir.is_relative_to(dist):
        print(f"refusing to empty {dist}: it holds the sources", file=sys.stderr)
        return 1
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    html = page.read_text(encoding="utf-8")
    loaders = []

    def replace(match: re.Match) -> str:
        attrs = {key: value if value is not None else "" for key, value in ATTRIBUTE.findall(match.group(1))}
        rel = attrs.get("rel")
        if rel == "copy-file":
            source = page_dir / attrs["href"]
            shutil.copyfile(source, dist / source.name)
            return ""
        if rel in ("icon", "css"):
            name, data = hashed_copy(page_dir / attrs["href"], dist)
            kind = "icon" if rel == "icon" else "stylesheet"
            return f'<link rel="{kind}" href="{prefix}{name}" integrity="{integrity(data)}"/>'
        if rel == "rust":
            loaders.append(build_rust(page_dir, attrs, dist, prefix))
            return ""
        raise SystemExit(f"{page}: unknown data-trunk rel={rel!r}")

    html = TAG.sub(replace, html)
    if len(loaders) != 1:
        print(f"{page}: expected one rel=\"rust\" link, found {len(loaders)}", file=sys.stderr)
        return 1
    html = html.replace("</head>", loaders[0] + "</head>", 1)
    (dist / "index.html").write_text(html, encoding="utf-8")
    print(f"built {page_dir.name} into {dist} (served under {prefix})")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CARGO_TERM_COLOR", "never")
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "frontend")))
