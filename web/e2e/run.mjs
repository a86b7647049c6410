// The web page end to end in Debian's Chromium, driven by playwright-core against a running node.
// Env: BASE_URL (the node's HTTP edge), COVER (a 16-bit WAV large enough for several upload parts),
// VOICE (the WAV the fake microphone plays), OCR_IMAGE (a PNG with text), SHOTS (screenshot folder),
// CHROMIUM (default /usr/bin/chromium), API_KEY (typed into the page's key field when the node needs one). Prints one JSON line of findings; exits non-zero on failure.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const base = required('BASE_URL');
const cover = required('COVER');
const voice = required('VOICE');
const ocrImage = required('OCR_IMAGE');
const shots = required('SHOTS');
const apiKey = process.env.API_KEY ?? '';
const key = 'a key typed in the page';
mkdirSync(shots, { recursive: true });

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${voice}`,
    '--autoplay-policy=no-user-gesture-required'],
});
const context = await browser.newContext({ acceptDownloads: true, permissions: ['microphone'] });
const page = await context.newPage();
const findings = {};
const console_ = [];
page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
const T = (id) => page.getByTestId(id);

async function shot(name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function awaitStatus(status, timeout) {
  await page.waitForFunction(
    ([want]) => {
      const el = document.querySelector('[data-testid="job-status"]');
      const text = el ? el.textContent : '';
      if (text.includes('FAILED')) throw new Error('job failed: ' + (document.querySelector('[data-testid="error"]')?.textContent ?? ''));
      return text.includes(want);
    },
    [status], { timeout, polling: 250 });
}

try {
  // 1. Record a secret with the (fake) microphone and encode it into the cover; the network is cut mid-upload.
  await page.goto(`${base}/#/encode`);
  if (apiKey) await T('api-key').fill(apiKey); // kept in session storage for the reloads below
  await T('secret-mode-record').check();
  await T('record-start').click();
  await page.waitForTimeout(3000);
  await T('record-stop').click();
  await T('recorded-sha256').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 20000 });
  findings.recordedSha256 = (await T('recorded-sha256').textContent()).trim();
  findings.recordedDuration = (await T('recorded-duration').textContent()).trim();
  await T('stego-key').fill(key);
  await T('cover-file').setInputFiles(cover);

  let partsSent = 0;
  let cut = false;
  await page.route(/partNumber=/i, async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    if (cut) return route.abort('internetdisconnected');
    partsSent++;
    if (partsSent >= 2) cut = true; // the third and later parts find no network
    return route.continue();
  });
  await T('encode-start').click();
  await T('upload-status').filter({ hasText: /stopped/i }).waitFor({ timeout: 60000 });
  await T('resume-upload').waitFor({ timeout: 10000 });
  findings.stoppedStatus = (await T('upload-status').textContent()).trim();
  await shot('1-upload-stopped');

  // 2. The network is back; a reload finds the unfinished upload and resumes it.
  await page.unroute(/partNumber=/i);
  await page.reload();
  await T('resume-upload').waitFor({ timeout: 20000 });
  findings.resumeOffer = (await T('resume-upload').textContent()).trim();
  await T('resume-upload').click();
  await awaitStatus('SUCCEEDED', 240000);
  await shot('2-encoded');
  const href = await T('result-link').getAttribute('href');
  const encoded = await page.request.get(href);
  if (!encoded.ok()) throw new Error(`downloading the encoded WAV answered ${encoded.status()}`);
  findings.encodedDisposition = encoded.headers()['content-disposition'] ?? '';
  const encodedPath = join(shots, '..', 'encoded.wav');
  writeFileSync(encodedPath, await encoded.body());
  findings.encodedBytes = (await encoded.body()).length;

  // 3. Decode it in the page: the recording comes back and plays.
  await page.goto(`${base}/#/decode`);
  await T('decode-file').setInputFiles(encodedPath);
  await T('stego-key').fill(key);
  await T('decode-start').click();
  await awaitStatus('SUCCEEDED', 240000);
  await T('recovered-sha256').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 30000 });
  findings.recoveredSha256 = (await T('recovered-sha256').textContent()).trim();
  findings.recoveredAudioPlays = await T('recovered-audio').evaluate(async (audio) => {
    if (audio.readyState < 1) await new Promise((ok, fail) => { audio.onloadedmetadata = ok; audio.onerror = fail; });
    return audio.duration > 0;
  });
  await shot('3-decoded');

  // 4. The wrong key: a sentence a person understands.
  await page.goto(`${base}/#/decode`);
  await page.reload();
  await T('decode-file').setInputFiles(encodedPath);
  await T('stego-key').fill('not the key');
  await T('decode-start').click();
  await T('error').waitFor({ timeout: 240000 });
  await page.waitForFunction(() => (document.querySelector('[data-testid="error"]')?.textContent ?? '').length > 20);
  findings.wrongKeyError = (await T('error').textContent()).trim();
  await shot('4-wrong-key');
  await T('stego-key').fill(key); // leave the key as a user would expect it

  // 5. OCR on the same job flow: the boxes drawn over the image, the text listed.
  await page.goto(`${base}/#/ocr`);
  await T('ocr-file').setInputFiles(ocrImage);
  await T('ocr-start').click();
  await awaitStatus('SUCCEEDED', 120000);
  await T('ocr-text').locator('li').first().waitFor({ timeout: 30000 });
  findings.ocrText = (await T('ocr-text').textContent()).trim();
  await shot('5-ocr');

  // 6. VAD: speech segments over the waveform of the voice recording.
  await page.goto(`${base}/#/vad`);
  await T('vad-file').setInputFiles(voice);
  await T('vad-start').click();
  await awaitStatus('SUCCEEDED', 120000);
  await T('vad-segments').locator('li').first().waitFor({ timeout: 30000 });
  findings.vadSegments = (await T('vad-segments').textContent()).trim();
  await shot('6-vad');

  findings.ok = true;
} catch (e) {
  findings.ok = false;
  findings.error = String(e && e.stack ? e.stack : e);
  try { await shot('failure'); } catch { /* the page is gone */ }
} finally {
  findings.console = console_.slice(-30);
  await browser.close();
}
console.log(JSON.stringify(findings));
process.exit(findings.ok ? 0 : 1);
