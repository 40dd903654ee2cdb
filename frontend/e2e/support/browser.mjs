// Launches Debian's Chromium through playwright-core (no downloaded browser), and page objects for JobBot.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.JOBBOT_E2E_URL ?? 'http://127.0.0.1:3000';

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
};

export async function launch() {
  return chromium.launch(CHROMIUM);
}

/**
 * A browser with a real profile in `dir` (what installing an app needs: Chromium refuses to install from the
 * incognito-like contexts `launch` gives).
 */
export async function launchProfile(dir, options = {}) {
  return chromium.launchPersistentContext(dir, { ...CHROMIUM, baseURL: BASE_URL, locale: 'fr-FR', ...options });
}

/**
 * A fresh context: empty cookie jar and storage, French browser by default. Every page of the context is
 * watched for Content-Security-Policy violations: closing the context fails the test if there was one.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: 'fr-FR', ...options });
  const violations = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watched = new WeakSet();
  const watch = (page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|CSP violation/.test(message.text())) {
        violations.push(message.text());
      }
    });
  };
  context.on('page', watch);
  const page = await context.newPage();
  watch(page);
  page.setDefaultTimeout(15_000);
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    if (violations.length > 0) {
      throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`);
    }
  };
  return { context, page, violations };
}

export const uniqueEmail = (prefix) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.fr`;

/** The pages of the SPA, addressed by their data-testid hooks. */
export class JobBot {
  constructor(page) {
    this.page = page;
  }

  byTestId(id) {
    return this.page.getByTestId(id);
  }

  async register({ name, email, password }) {
    await this.page.goto('/register');
    await this.byTestId('register-name').fill(name);
    await this.byTestId('register-email').fill(email);
    await this.byTestId('register-password').fill(password);
    await this.byTestId('register-terms').check();
    await this.byTestId('register-submit').click();
  }

  async login({ email, password }) {
    await this.page.goto('/login');
    await this.byTestId('login-email').fill(email);
    await this.byTestId('login-password').fill(password);
    await this.byTestId('login-submit').click();
  }

  async logout() {
    await this.byTestId('logout').click();
    await this.page.waitForURL('**/login');
  }
}

/**
 * Asks the fake Mistral for its slow answer (60 words, one every 150 ms: about 9 s) on a signed-in page and
 * returns when its first words showed and when it ended (ms after the question). Through a proxy that
 * buffers the stream, both arrive together.
 */
export async function timeSlowAnswer(page) {
  const app = new JobBot(page);
  await page.goto('/assistant');
  await app.byTestId('composer-input').fill('Réponds lentement, s\'il te plaît');
  const started = Date.now();
  await app.byTestId('composer-input').press('Enter');
  await page.locator('[data-testid=message-assistant][data-status=streaming]').filter({ hasText: 'mot0' }).waitFor();
  const firstWords = Date.now() - started;
  await page.locator('[data-testid=message-assistant][data-status=complete]').waitFor({ timeout: 30_000 });
  return { firstWords, complete: Date.now() - started };
}

/**
 * Checks that an answer streams unbuffered through the proxy in front (nginx): a new candidate, signed up by
 * `signUp(name, prefix)`, sees the slow answer's first words long before its end.
 */
export async function checkAnswerStreams(signUp) {
  const { context, page } = await signUp('Inès Roux', 'ines');
  const { firstWords, complete } = await timeSlowAnswer(page);
  assert.ok(firstWords < complete - 4000, `first words after ${firstWords} ms, the end after ${complete} ms`);
  await context.close();
}

/** The recruiter account scripts/e2e.sh creates, and why a spec that needs it is skipped without it. */
export const RECRUITER = {
  email: process.env.JOBBOT_E2E_RECRUITER_EMAIL,
  password: process.env.JOBBOT_E2E_RECRUITER_PASSWORD,
  skip: !process.env.JOBBOT_E2E_RECRUITER_EMAIL && 'JOBBOT_E2E_RECRUITER_EMAIL is not set (scripts/e2e.sh sets it)',
};
