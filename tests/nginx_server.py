"""nginx, configured with exactly the server block of the editor's guide
(docs/en/editors.md, "### nginx"), serving a built site under /handbook/ on
127.0.0.1. Used by the publishing tests and the browser benchmark, so both see
the site as the guide says to publish it (types, caching, compression, headers)."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "/handbook/"


def guide_server_block(guide: Path = ROOT / "docs" / "en" / "editors.md") -> str:
    return re.search(r"```nginx\n(.*?)```", guide.read_text(encoding="utf-8"), re.S).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{PREFIX}"


class GuideNginx:
    """`with GuideNginx(site_dir, workdir, port) as url:` nginx serves site_dir at url."""

    def __init__(self, site_dir: Path, workdir: Path, port: int | None = None, server_block: str | None = None):
        self.site_dir, self.workdir = Path(site_dir), Path(workdir)
        self.port = port or free_port()
        self.url = nginx_url(self.port)
        self.server_block = server_block if server_block is not None else guide_server_block()
        self.process = None

    def __enter__(self) -> str:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise RuntimeError("nginx is missing: `make test` installs Debian's nginx-light")
        tmp = self.workdir
        tmp.mkdir(parents=True, exist_ok=True)
        block = (self.server_block.replace("/srv/handbook/", f"{self.site_dir}/")
                 .replace("listen 8080", f"listen 127.0.0.1:{self.port}"))
        (tmp / "nginx.conf").write_text(
            f"daemon off;\nuser root;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {tmp}/body;\nproxy_temp_path {tmp}/proxy;\n"
            f"fastcgi_temp_path {tmp}/fastcgi;\nuwsgi_temp_path {tmp}/uwsgi;\nscgi_temp_path {tmp}/scgi;\n"
            f"{block}\n}}\n", encoding="utf-8")
        self.process = subprocess.Popen([binary, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(100):
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.process.stderr.read().decode(errors='replace')}")
            try:
                urllib.request.urlopen(self.url, timeout=1)
                return self.url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer at {self.url}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
