/**
 * The system's Chromium (Debian's `chromium` package), driven by playwright-core. Tests that need a real
 * browser fail, never skip, when it is absent: `.ci/run` installs it with apt-get, as it installs moto.
 * `CHROMIUM_PATH` names another executable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's real binary first: /usr/bin/chromium is a shell wrapper around it. */
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(
      'Chromium is not installed: the HTML report is tested in a real browser. Install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
}

export function launchChromium(): Promise<Browser> {
  // playwright-core passes --no-sandbox unless told otherwise: the tests run as root in containers.
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}
