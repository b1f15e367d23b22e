// record.mjs records the bytes httpyac puts on the wire for every request of
// the .http corpus, so that runner's TestHTTPYacWire can compare snapdoc's
// bytes with them without httpyac installed. Run it through record.sh.
//
// Each request is sent by the httpyac CLI, one process per request
// (`httpyac send FILE --line N`, as when one request of a file is sent), with
// hook.cjs loaded: every connection goes
// to the recorder below on 127.0.0.1 (plain, or TLS with a throwaway
// self-signed certificate and --insecure), and nothing else is reachable.
// The recorder reads one request, answers a fixed 200, and closes.
//
// usage: node record.mjs CORPUS.json INPUTS.json OUT.json [ID,...]
// (with IDs, only those records: for trying a change, not for committing)
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const [corpusPath, inputsPath, outPath, only] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node record.mjs CORPUS.json INPUTS.json OUT.json [ID,...]');
  process.exit(2);
}

const httpyacDir = path.join(here, 'node_modules', 'httpyac');
const httpyacBin = path.join(httpyacDir, 'bin', 'httpyac.js');
const httpyacVersion = JSON.parse(fs.readFileSync(path.join(httpyacDir, 'package.json'), 'utf8')).version;
const httpyac = require(httpyacDir);

const TIMEOUT_MS = 3000; // httpyac's own request timeout
const KILL_MS = 20000; // a hung httpyac process is killed after this

// The recorder's fixed answer. no-store keeps a cache from answering a later
// request; Connection: close keeps one request per connection.
const RESPONSE_HEAD =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n';

const corpusBytes = fs.readFileSync(corpusPath);
const corpus = JSON.parse(corpusBytes);
const inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'httpyac-wire-'));
fs.cpSync(path.join(here, 'files'), work, { recursive: true });
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=recorder', '-days', '1',
  '-keyout', path.join(work, '.key.pem'), '-out', path.join(work, '.cert.pem')], { stdio: 'ignore' });

let captures = [];

// requestEnd returns the length of the request at the start of buf, or -1
// while it is incomplete.
function requestEnd(buf) {
  const head = buf.indexOf('\r\n\r\n');
  if (head < 0) return -1;
  const bodyStart = head + 4;
  const lines = buf.subarray(0, head).toString('latin1').split('\r\n').slice(1);
  let length = 0;
  let chunked = false;
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (name === 'content-length') length = Number(value);
    if (name === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
  }
  if (!chunked) return buf.length >= bodyStart + length ? bodyStart + length : -1;
  let at = bodyStart;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return -1;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', eol); // no trailers expected
      return end < 0 ? -1 : end + 4;
    }
    at = eol + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

function serve(scheme) {
  return (sock) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (complete) => {
      if (done) return;
      done = true;
      captures.push({ scheme, bytes: buf, complete });
    };
    sock.setTimeout(5000, () => {
      finish(false);
      sock.destroy();
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const head = buf.indexOf('\r\n\r\n');
      if (head >= 0 && !sock.continued && /\r\nexpect:[ \t]*100-continue/i.test(buf.subarray(0, head + 2).toString('latin1'))) {
        sock.continued = true;
        sock.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
      const end = requestEnd(buf);
      if (end < 0) return;
      buf = buf.subarray(0, end);
      finish(true);
      const isHead = buf.toString('latin1').startsWith('HEAD ');
      sock.end(RESPONSE_HEAD + (isHead ? '' : 'ok'));
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

const plainServer = net.createServer(serve('http'));
const tlsServer = tls.createServer({
  key: fs.readFileSync(path.join(work, '.key.pem')),
  cert: fs.readFileSync(path.join(work, '.cert.pem')),
  ALPNProtocols: ['http/1.1'],
}, serve('https'));
const httpPort = await listen(plainServer);
const httpsPort = await listen(tlsServer);

httpyac.cli.initFileProvider();
await httpyac.cli.initIOProvider();

// regions returns the requests httpyac parses in file, in order.
async function regions(file) {
  const store = new httpyac.store.HttpFileStore();
  const f = await store.getOrCreate(file, async () => fs.readFileSync(file, 'utf8'), 0, { workingDir: work });
  return f.httpRegions.filter((r) => !r.isGlobal() && r.request);
}

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', path.join(here, 'hook.cjs'), httpyacBin, ...args], {
      cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

const clean = (s) => String(s).split(work).join('.').replace(/\s+/g, ' ').trim().slice(0, 300);

// report returns, from httpyac's --json output, the requests it processed in
// order: the 0-based line of each, whether it got the recorder's answer, and
// why not.
function report(out) {
  let j;
  try {
    j = JSON.parse(out.slice(out.indexOf('{')));
  } catch {
    return [];
  }
  return (j.requests || []).map((r) => {
    const failed = (r.testResults || []).filter((t) => t.status !== 'SUCCESS')
      .map((t) => (t.error && (t.error.displayMessage || t.error.message)) || t.message);
    const answered = !!(r.response && r.response.statusCode === 200 && r.response.body === 'ok');
    return { line: r.line, answered, error: clean([...new Set(failed)].join('; ')) };
  });
}

const records = [];
for (const rec of corpus.records) {
  if (only && !only.split(',').includes(rec.id)) continue;
  const input = (inputs.records || {})[rec.id] || {};
  const file = path.join(work, `${rec.id}.http`);
  fs.writeFileSync(file, rec.text);
  const env = {
    PATH: process.env.PATH, HOME: work, LANG: 'C.UTF-8', TZ: 'UTC',
    RECORDER_HTTP_PORT: String(httpPort), RECORDER_HTTPS_PORT: String(httpsPort),
    ...(inputs.env || {}),
  };
  const vars = Object.entries(input.vars || {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
  const out = { id: rec.id, requests: [] };
  for (const r of await regions(file)) {
    captures = [];
    const args = ['send', `${rec.id}.http`, '--line', String(r.symbol.startLine), '--insecure',
      '--timeout', String(TIMEOUT_MS), '--json', ...vars];
    const res = await run(args, env);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the recorder see the last close
    // The requests httpyac answered before this one (a request that
    // "# @ref" names is sent first) were recorded before it. A request is
    // taken as sent when httpyac got the recorder's answer, or when the
    // recorder read a request with its method that httpyac then failed
    // to read the answer of (CONNECT, after which httpyac reports nothing).
    const sent = captures.filter((c) => c.bytes.length > 0);
    const processed = report(res.out);
    const at = processed.findIndex((x) => x.line === r.symbol.startLine);
    const p = processed[at];
    const c = p ? sent[processed.slice(0, at).filter((x) => x.answered).length] : sent.length === 1 && sent[0];
    const mine = c && ((p && p.answered) || c.bytes.toString('latin1').startsWith(`${r.request.method} `));
    const req = { line: r.symbol.startLine + 1, method: r.request.method, url: r.request.url };
    if (mine) {
      const utf8 = Buffer.from(c.bytes.toString('utf8'), 'utf8').equals(c.bytes);
      req.scheme = c.scheme;
      req.wire = utf8 ? c.bytes.toString('utf8') : c.bytes.toString('base64');
      req.encoding = utf8 ? 'utf-8' : 'base64';
      if (!c.complete) req.incomplete = true;
      if (!p || !p.answered) {
        req.error_after_sending = (p && p.error) || `httpyac reported no result (exit ${res.code}${res.signal ? ', ' + res.signal : ''})`;
      }
    } else if (p && p.error) {
      req.error = p.error;
    } else {
      req.error = res.signal ? `killed after ${KILL_MS} ms` : `exit ${res.code}, ${sent.length} requests recorded: ${clean(res.out)}`;
    }
    out.requests.push(req);
    process.stderr.write(`${rec.id} line ${req.line}: ${req.wire ? 'recorded' : 'not sent: ' + req.error}\n`);
  }
  records.push(out);
}
plainServer.close();
tlsServer.close();
fs.rmSync(work, { recursive: true, force: true });

const result = {
  tool: 'httpyac',
  version: httpyacVersion,
  node: process.version,
  how: `one process per request: node --require hook.cjs httpyac send ID.http --line N --insecure --timeout ${TIMEOUT_MS} --json [--var NAME=VALUE ...], ` +
    'in a temporary directory holding files/ and the text; every connection goes to a recorder on 127.0.0.1 ' +
    '(TLS terminated with a throwaway self-signed certificate) that answers ' + JSON.stringify(RESPONSE_HEAD + 'ok'),
  corpus_sha256: createHash('sha256').update(corpusBytes).digest('hex'),
  inputs: path.basename(inputsPath),
  records,
};
fs.writeFileSync(outPath, JSON.stringify(result, null, 1) + '\n');
