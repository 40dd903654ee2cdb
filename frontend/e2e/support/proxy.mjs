// A proxy between the browser and JobBot that the test can cut: every open connection through it (HTTP
// requests, streamed answers, WebSockets) is destroyed at once, as a lost network does; new ones go through.
// The page is served through it, so it is the page's origin: the requests' Origin is rewritten to JobBot's own
// (its CSRF check and CORS allowlist know that one). Cookies are per host, not per port: they carry over.
import http from 'node:http';
import net from 'node:net';

export async function startProxy(target) {
  const upstream = new URL(target);
  const sockets = new Set();
  let self;
  let downUntil = 0;
  const rewrite = (headers) => {
    const out = { ...headers, host: upstream.host };
    if (out.origin) out.origin = upstream.origin;
    if (out.referer) out.referer = out.referer.replace(self, upstream.origin);
    return out;
  };
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: rewrite(req.headers) },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('socket', (socket) => track(socket));
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('upgrade', (req, socket, head) => {
    track(socket);
    const other = net.connect(Number(upstream.port), upstream.hostname, () => {
      const headers = rewrite(req.headers);
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      other.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) other.write(head);
      other.pipe(socket);
      socket.pipe(other);
    });
    track(other);
    other.on('error', () => socket.destroy());
    socket.on('error', () => other.destroy());
  });
  server.on('connection', (socket) => {
    if (Date.now() < downUntil) socket.destroy();
    else track(socket);
  });
  function track(socket) {
    // A kept-alive upstream connection carries many requests: listen to it once.
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${server.address().port}`;
  return {
    url: self,
    /** Cuts every connection open now, and refuses new ones for `ms` milliseconds. */
    cut(ms = 0) {
      downUntil = Date.now() + ms;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(resolve);
    }),
  };
}
