// A fake Mistral chat-completions server for the browser tests: the real wire format (SSE chunks, usage in
// the last chunk, `data: [DONE]`), with a delay between chunks so the browser visibly streams.
// Usage: node fake-mistral.mjs PORT [ADDRESS]   (127.0.0.1 by default; the compose check gives its network's gateway)
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const piece = (content, finish = null, usage = undefined, model = 'mistral-small-latest') => {
  const chunk = {
    id: 'cmpl-e2e', object: 'chat.completion.chunk', created: 1763700000, model,
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  };
  if (usage) chunk.usage = usage;
  return `data: ${JSON.stringify(chunk)}\n\n`;
};

// Raw HTML on purpose: the SPA must show it as text, never run it.
const ANSWER = ['Voici ', 'mes ', 'conseils ', '**concrets** ', 'pour ', 'votre ', 'CV : ', 'commencez ', 'par ', 'un ',
  'titre ', 'clair. ', '<img src=x onerror="window.__xss=1">', ' Bonne ', 'chance !'];

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not found' }));
    return;
  }
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', async () => {
    const request = JSON.parse(body);
    if (req.headers.authorization !== 'Bearer e2e-key') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Unauthorized' }));
      return;
    }
    const question = request.messages.at(-1)?.content ?? '';
    // Mistral Large is "overloaded" for questions that say so: 429 every time, so JobBot's retries give up
    // and the operator's fallback model answers.
    if (request.model === 'mistral-large-latest' && question.includes('surcharge')) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ message: 'Requests rate limit exceeded' }));
      return;
    }
    const slow = question.includes('lentement');
    // A conversation grounded in an offer answers about it, as a model given the workspace would.
    const offer = (request.messages[0]?.content ?? '').match(/\n## The job offer\nTitle: (.*)\n/)?.[1];
    const grounded = offer ? ['Madame, Monsieur, ', 'je vous propose ', `ma candidature au poste « ${offer} ».`] : null;
    const pieces = slow ? Array.from({ length: 60 }, (_, i) => `mot${i} `) : grounded ?? ANSWER;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let closed = false;
    res.on('close', () => { closed = true; });
    const model = request.model;
    res.write(piece('', null, undefined, model));
    for (const text of pieces) {
      if (closed) return;
      await new Promise((r) => setTimeout(r, slow ? 150 : 60));
      res.write(piece(text, null, undefined, model));
    }
    res.write(piece('', 'stop', { prompt_tokens: 30, completion_tokens: pieces.length, total_tokens: 30 + pieces.length }, model));
    res.write('data: [DONE]\n\n');
    res.end();
  });
});
server.listen(port, process.argv[3] ?? '127.0.0.1', () => console.log(`fake mistral on ${server.address().port}`));
