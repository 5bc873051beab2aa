// What the browser tests of the web console stand on: the Sage sandbox and `sample_host serve` as
// real child processes on a private data folder, Debian's chromium driven by playwright-core, the
// browser's console and CSP reports collected per page, every console response kept for the
// "no secret sent back" check, and screenshots written under the build folder.
import { spawn, execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { request as https_request } from 'node:https';
import { connect as tls_connect } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

// Set by CTest (tests/browser/CMakeLists.txt); see README.md there for running by hand.
export const settings = {
  sample_host: required_env('SAMPLE_HOST'),
  sandbox: required_env('SAGE_SANDBOX'),
  plugins: required_env('SAMPLE_HOST_PLUGINS'),
  artifacts: process.env.BROWSER_ARTIFACTS ?? path.resolve('browser-artifacts'),
  chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
};

function required_env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through CTest (ctest --preset dev -R browser_console), which sets it`);
  return value;
}

// A child process whose first stdout line is its address (sandbox JSON, "console: URL"); stderr is
// kept in full for the secret checks and for failure messages.
class child {
  constructor(name, file, args, env = {}) {
    this.name = name;
    this.stderr = '';
    this.stdout_rest = '';
    this.process = spawn(file, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  first_line(timeout_ms = 20000) {
    const lines = createInterface({ input: this.process.stdout });
    return new Promise((resolve, reject) => {
      let first = null;
      const timer = setTimeout(() => reject(new Error(`${this.name} printed no line within ${timeout_ms} ms; stderr:\n${this.stderr}`)), timeout_ms);
      this.exited.then(({ code, signal }) => {
        if (first === null) {
          clearTimeout(timer);
          reject(new Error(`${this.name} exited (${code ?? signal}) before printing its address; stderr:\n${this.stderr}`));
        }
      });
      lines.on('line', (line) => {
        if (first === null) {
          first = line;
          clearTimeout(timer);
          resolve(line);
        } else {
          this.stdout_rest += `${line}\n`;
        }
      });
    });
  }

  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.exited;
    this.process.kill('SIGTERM');
    const killer = setTimeout(() => this.process.kill('SIGKILL'), 12000);
    const result = await this.exited;
    clearTimeout(killer);
    return result;
  }
}

// The Sage sandbox: its start-up line (base_url, ca_file, clients...) and its control API.
export class sage_sandbox {
  async start() {
    this.child = new child('sage_sandbox', settings.sandbox, ['--port', '0', '--records', '12']);
    this.info = JSON.parse(await this.child.first_line());
    this.ca = readFileSync(this.info.ca_file);
    this.client = this.info.clients[0];
    return this;
  }

  // POST /_sandbox/<route> with a JSON body, over TLS verified against the sandbox CA.
  control(route, body) {
    const url = new URL(`${this.info.control_url}/${route}`);
    const data = JSON.stringify(body ?? {});
    return new Promise((resolve, reject) => {
      const req = https_request(url, {
        method: 'POST',
        ca: this.ca,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`sandbox ${route}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  // A fresh token set for the sandbox's client (what a person would get by signing in elsewhere).
  tokens() {
    return this.control('tokens', { client_id: this.client.client_id });
  }

  allow_redirect(uri) {
    return this.control('clients', {
      client_id: this.client.client_id,
      client_secret: this.client.client_secret,
      redirect_uris: [uri],
    });
  }

  // The SHA-256 of the SubjectPublicKeyInfo of the sandbox's server certificate and CA, as chromium's
  // --ignore-certificate-errors-spki-list takes them: the browser then accepts exactly the sandbox's
  // certificates (read over a connection verified against the sandbox CA), nothing else.
  async spki_hashes() {
    const url = new URL(this.info.base_url);
    const leaf = await new Promise((resolve, reject) => {
      const socket = tls_connect({ host: url.hostname, port: Number(url.port), ca: this.ca, servername: 'localhost' }, () => {
        const certificate = socket.getPeerX509Certificate();
        socket.end();
        resolve(certificate);
      });
      socket.on('error', reject);
    });
    const spki = (certificate) => createHash('sha256')
      .update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    return [spki(leaf), spki(new X509Certificate(this.ca))];
  }

  stop() {
    return this.child?.stop();
  }
}

// A data folder with users, and `sample_host serve` processes on it (one per acting user).
export class sample_host {
  constructor() {
    this.data = mkdtempSync(path.join(tmpdir(), 'console-browser-'));
    this.servers = [];
  }

  run(args) {
    return execFileSync(settings.sample_host, ['--plugins', settings.plugins, '--data', this.data, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
    });
  }

  // Starts `serve` as `user`; resolves to {login_url, origin, child}.
  async serve(user) {
    const server = new child(`sample_host serve --as ${user}`, settings.sample_host,
      ['--plugins', settings.plugins, '--data', this.data, '--as', user, 'serve', '--listen', '127.0.0.1:0']);
    this.servers.push(server);
    const line = await server.first_line();
    const match = /^console: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/.exec(line);
    if (!match) throw new Error(`serve's first line is not "console: http://127.0.0.1:PORT/?token=<64 hex>": ${line}`);
    return { login_url: match[1], origin: new URL(match[1]).origin, child: server };
  }

  // Everything the hosts wrote that a secret could leak into: stderr of every serve, the host log.
  transcript() {
    let text = this.servers.map((s) => s.stderr + s.stdout_rest).join('\n');
    const log = path.join(this.data, 'logs', 'host.log');
    if (existsSync(log)) text += readFileSync(log, 'utf8');
    return text;
  }

  async stop() {
    await Promise.all(this.servers.map((s) => s.stop()));
  }

  remove() {
    rmSync(this.data, { recursive: true, force: true });
  }
}

// Chromium, headless, trusting only the sandbox's certificates besides the system's.
export async function launch_browser(spki_hashes) {
  return chromium.launch({
    executablePath: settings.chromium,
    args: [
      '--headless=new',
      '--no-sandbox', // CI runs as root, where chromium's sandbox cannot start
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      `--ignore-certificate-errors-spki-list=${spki_hashes.join(',')}`,
    ],
  });
}

// Per page: console errors, uncaught exceptions and CSP violations, and the console's responses.
export class page_watch {
  constructor(context, origin) {
    this.problems = [];
    this.failed_requests = [];
    this.responses = [];
    this.origin = origin;
    context.on('page', (page) => this.watch(page));
    for (const page of context.pages()) this.watch(page);
  }

  watch(page) {
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(message.text())) {
        this.problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => this.problems.push(`${page.url()}: uncaught ${error.message}`));
    page.on('response', async (response) => {
      if (!response.url().startsWith(this.origin)) return;
      // Named here, as the console message ("Failed to load resource") does not say which.
      if (response.status() >= 400) this.failed_requests.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      try {
        this.responses.push({ url: response.url(), status: response.status(), headers: await response.allHeaders(), body: await response.text() });
      } catch {
        // a redirect or a response of a page already gone has no body to keep
      }
    });
  }

  // Expected failures (a 401 the test provoked) are taken out by the test itself.
  take_problems() {
    const problems = this.problems.length ? [...this.problems, ...this.failed_requests] : [];
    this.problems = [];
    this.failed_requests = [];
    return problems;
  }
}

// Screenshots under the build folder (never committed); returns the path written.
export async function screenshot(page, name) {
  mkdirSync(settings.artifacts, { recursive: true });
  const file = path.join(settings.artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// WCAG 2.1 AA text contrast of what the page shows now: every visible element with text of its own,
// its colour against the first opaque background behind it (4.5:1, or 3:1 for large text). Disabled
// controls are exempt, as WCAG says. Returns a description of each failure.
export function contrast_failures(page) {
  return page.evaluate(() => {
    const channel = (c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const parse = (text) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(text);
      return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
    };
    const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const background_of = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const colour = parse(getComputedStyle(e).backgroundColor);
        if (colour && colour.a >= 0.99) return colour;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const failures = [];
    for (const element of document.body.querySelectorAll('*')) {
      const own_text = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!own_text || element.closest('[hidden], [aria-hidden="true"], option, :disabled')) continue;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.visibility !== 'visible' || box.width === 0 || box.height === 0 || Number(style.opacity) < 1) continue;
      if (element.closest('.visually-hidden')) continue;
      const fg = parse(style.color);
      const bg = background_of(element);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(`${element.tagName.toLowerCase()} "${element.textContent.trim().slice(0, 40)}": ${ratio.toFixed(2)}:1 (${style.color} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
      }
    }
    return failures;
  });
}
