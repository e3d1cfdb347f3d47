// Baseline for fan-out: a bare `ws` server. Clients connect (offering any subprotocols; it picks the
// first), get a welcome frame and an answer to each subscribe; `POST /broadcast` sends its body, as one
// text frame, to every open client and answers 201 once every send has been queued.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/broadcast') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const frame = Buffer.concat(chunks).toString();
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
    response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
});
const wss = new WebSocketServer({
  server,
  handleProtocols: (protocols) => [...protocols][0] ?? false,
});
wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'welcome', username: 'bench', latestEventId: '0' }));
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; stream: string };
    if (frame.type === 'subscribe')
      socket.send(JSON.stringify({ type: 'subscribed', stream: frame.stream, position: '0' }));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`listening http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
});
